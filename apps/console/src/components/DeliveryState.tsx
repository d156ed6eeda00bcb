import { explainReason, ReasonContext } from '../reasons';
import type { DeliverySummary } from '../types';
import { Status } from './ui';

/** Which rule set the delivery where it is, and why: "throttled: the template's limit …"; nothing without a reason. */
export function ReasonText({ delivery, context }: { delivery: DeliverySummary; context?: ReasonContext }) {
  if (!delivery.reason) return null;
  const words = explainReason(delivery, context);
  return (
    <span className="reason-text" data-reason={delivery.reason}>
      <span className="reason">{delivery.reason.replaceAll('_', ' ')}</span>
      {words !== delivery.reason && `: ${words}`}
    </span>
  );
}

/** A delivery's status and, next to it, its reason in plain words: "skipped — throttled: …". */
export function DeliveryState({ delivery, context }: { delivery: DeliverySummary; context?: ReasonContext }) {
  return (
    <span className="delivery-state">
      <Status value={delivery.status} />
      {delivery.reason && ' — '}
      <ReasonText delivery={delivery} context={context} />
    </span>
  );
}
