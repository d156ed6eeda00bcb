import { Draft, draftRules } from '../template-draft';
import { describeRules } from '../template-rules';

/** The draft's rules in words, as they are typed; nothing while the JSON does not parse (saving says why). */
export function RulesSummary({ draft }: { draft: Draft }) {
  let lines;
  try {
    lines = describeRules({ ...draftRules(draft), critical: draft.critical });
  } catch {
    return null;
  }
  if (!lines.length) return <p className="hint">No rule: every send goes at once, each on its own.</p>;
  return (
    <ul className="rules" aria-label="Rules">
      {lines.map((line) => (
        <li key={line.rule} data-rule={line.rule}>
          {line.text}
        </li>
      ))}
    </ul>
  );
}
