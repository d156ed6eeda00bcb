import { Injectable } from '@nestjs/common';
import { ValidationError } from '@herald/core';
import { RecipientRepository } from '../recipient.repository';
import { RecipientNotFoundError } from '../recipients.errors';
import { normalizePreferences } from './opted-out';
import { preferencesErrors, preferencesOf, PutPreferencesDto } from '../dto/preferences.dto';
import type { RecipientPreferences } from './preferences.types';

/** What a recipient opted out of; read at accept time through `optedOut`. */
@Injectable()
export class PreferencesService {
  constructor(private readonly repository: RecipientRepository) {}

  /** `{ channels: {}, categories: {} }` for a recipient that never set any. */
  async get(recipientId: string): Promise<RecipientPreferences> {
    const stored = await this.repository.findPreferences(recipientId);
    if (stored === null) throw new RecipientNotFoundError(recipientId);
    return normalizePreferences(stored);
  }

  /** Replaces them whole, as PUT does for the recipient itself. */
  async put(recipientId: string, dto: PutPreferencesDto): Promise<RecipientPreferences> {
    const errors = preferencesErrors(dto);
    if (errors.length) throw new ValidationError(errors);
    const preferences = preferencesOf(dto);
    if (!(await this.repository.replacePreferences(recipientId, preferences)))
      throw new RecipientNotFoundError(recipientId);
    return preferences;
  }
}
