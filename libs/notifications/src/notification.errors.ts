import { FieldError, HeraldError } from '@herald/core';

/** A send that is well-formed JSON but cannot be carried out as asked. */
export class NotificationRejectedError extends HeraldError {
  constructor(errors: FieldError[]) {
    super(
      'notification-rejected',
      422,
      'Notification rejected',
      errors.map((error) => `${error.path}: ${error.message}`).join('; '),
      errors,
    );
  }
}

export class NotificationNotFoundError extends HeraldError {
  constructor(id: string) {
    super('notification-not-found', 404, 'Notification not found', `Notification "${id}" does not exist.`);
  }
}
