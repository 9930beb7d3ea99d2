// An agent tool call as a card: the call, its risk and why, "Open in diff editor" for edits, and while
// it waits the four decisions (Deny asks what to do instead, which goes back to the model). An edit's
// inline diff is its review: each change can be rejected there, and Allow writes the rest; the
// choices are saved with the panel's state, so a reloaded panel shows (and Allow sends) them still.
import type { ApprovalDecision, CardDiff, ToolCallCard } from '../../protocol/chat';
import { button, el } from './dom';
import { hunkChoiceStore, postToHost } from './host';
import { renderPlanCard } from './planList';

const riskLabels = { read: 'reads', write: 'writes files', command: 'runs a command' } as const;
const stateLabels = {
  pending: 'waiting for your decision',
  allowed: 'allowed',
  denied: 'denied',
  running: 'running…',
  done: 'done',
  failed: 'failed',
} as const;

export function renderToolCard(card: ToolCallCard): HTMLElement {
  if (card.tool === 'update_plan' && card.state !== 'pending') return renderPlanCard(card);
  const choosing = card.state === 'pending' && !!card.diff && card.diff.hunks.length > 1;
  // The changes the user rejected in the card (indexes of the diff's hunks); Allow writes the others.
  const rejected = new Set(choosing ? hunkChoiceStore.get(card.id).filter((index) => index < card.diff!.hunks.length) : []);
  if (!choosing) hunkChoiceStore.set(card.id, []); // decided: nothing left to remember
  const decide = (decision: ApprovalDecision, feedback?: string) =>
    postToHost({
      type: 'approval',
      callId: card.id,
      decision,
      ...(feedback ? { feedback } : {}),
      ...(decision !== 'deny' && rejected.size ? { rejectedHunks: [...rejected].sort((a, b) => a - b) } : {}),
    });
  const element = el(
    'div',
    { className: `tool-card risk-${card.risk} state-${card.state}`, 'data-call-id': card.id, role: 'group', 'aria-label': `Tool call ${card.tool}` },
    el(
      'div',
      { className: 'tool-head' },
      el('code', { className: 'tool-summary' }, card.summary),
      el('span', { className: `risk risk-${card.risk}` }, riskLabels[card.risk]),
    ),
    card.command
      ? el(
          'dl',
          { className: 'command-facts' },
          el('dt', {}, 'Command'),
          el('dd', {}, el('code', { className: 'command-line' }, card.command.line)),
          el('dt', {}, 'In'),
          el('dd', { className: 'command-folder' }, card.command.folder === '.' ? 'the workspace folder' : card.command.folder),
        )
      : undefined,
    card.reason ? el('div', { className: 'tool-reason' }, card.command ? `Asks because: ${card.reason}` : card.reason) : undefined,
    // While it waits, and after a denial (what was refused); once applied, the file shows it.
    card.hasDiff && (card.state === 'pending' || card.state === 'denied')
      ? button('Open in diff editor', () => postToHost({ type: 'showDiff', callId: card.id }), { icon: 'diff', secondary: true, className: 'show-diff' })
      : undefined,
    el('div', { className: 'tool-state', 'aria-live': 'polite' }, stateLabels[card.state]),
  );
  // The change itself, open while the user decides; folded away once decided.
  const choice = el('div', { className: 'hunk-choice', 'aria-live': 'polite' });
  const showChoice = () =>
    (choice.textContent = rejected.size ? `Allow writes ${card.diff!.hunks.length - rejected.size} of the ${card.diff!.hunks.length} changes.` : '');
  const onToggle = () => {
    hunkChoiceStore.set(
      card.id,
      [...rejected].sort((a, b) => a - b),
    );
    showChoice();
  };
  if (choosing) showChoice();
  if (card.diff)
    (element.querySelector('.tool-reason') ?? element.querySelector('.tool-head'))!.after(
      diffView(card.diff, card.state === 'pending', choosing ? { rejected, onToggle } : undefined),
    );
  if (card.state === 'pending') element.append(...(choosing ? [choice] : []), approvalButtons(decide, card.options));
  if (card.result)
    element.append(el('details', { className: 'tool-output' }, el('summary', {}, card.state === 'denied' ? 'Feedback' : 'Output'), el('pre', {}, card.result)));
  return element;
}

function approvalButtons(decide: (decision: ApprovalDecision, feedback?: string) => void, options?: readonly ApprovalDecision[]): HTMLElement {
  const offered = (decision: ApprovalDecision) => !options || options.includes(decision);
  const feedback = el('vscode-textfield', {
    className: 'deny-feedback',
    placeholder: 'What should it do instead? (optional)',
    '.label': 'Feedback for the model',
  }) as HTMLElement & { value: string };
  const denyRow = el(
    'div',
    { className: 'deny-row', hidden: true },
    feedback,
    button('Deny', () => decide('deny', feedback.value.trim() || undefined), { icon: 'close' }),
  );
  feedback.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') decide('deny', feedback.value.trim() || undefined);
  });
  const row = el(
    'div',
    { className: 'approval-buttons' },
    button('Allow once', () => decide('once'), { icon: 'check' }),
    offered('session') ? button('Allow for this session', () => decide('session'), { secondary: true }) : undefined,
    offered('always') ? button('Always', () => decide('always'), { title: 'Save a rule that allows this from now on', secondary: true }) : undefined,
    button(
      'Deny…',
      () => {
        denyRow.hidden = false;
        feedback.focus();
      },
      { secondary: true },
    ),
  );
  return el('div', {}, row, denyRow);
}

/**
 * The change as hunks of −/+ lines (the signs are text, so a screen reader reads them too). With
 * `choose`, each hunk has a Reject / Keep toggle that records the user's choice in `choose.rejected`.
 */
function diffView(diff: CardDiff, open: boolean, choose?: { rejected: Set<number>; onToggle: () => void }): HTMLElement {
  const counts = `+${diff.added} −${diff.removed}`;
  const hunks = diff.hunks.map((hunk, index) => {
    const element = el(
      'div',
      { className: 'diff-hunk' },
      el('div', { className: 'diff-hunk-head' }, `@@ −${hunk.oldStart} +${hunk.newStart} @@`),
      ...hunk.removed.map((line) => el('div', { className: 'diff-line removed' }, `− ${line}`)),
      ...hunk.added.map((line) => el('div', { className: 'diff-line added' }, `+ ${line}`)),
    );
    if (choose) element.firstElementChild!.append(hunkToggle(index, diff.hunks.length, element, choose));
    return element;
  });
  return el(
    'details',
    { className: 'card-diff', open, 'aria-label': `Change to ${diff.path}: ${diff.added} lines added, ${diff.removed} removed` },
    el('summary', {}, el('span', { className: 'diff-path' }, diff.path), ' ', el('span', { className: 'diff-counts' }, counts)),
    el(
      'div',
      { className: 'diff-body' },
      ...hunks,
      diff.truncated ? el('div', { className: 'diff-more' }, 'More changes: open the diff editor to see them all.') : undefined,
    ),
  );
}

/** Reject (or keep again) one change of a waiting edit; the button stays put, so the focus does too. */
function hunkToggle(index: number, count: number, hunk: HTMLElement, choose: { rejected: Set<number>; onToggle: () => void }): HTMLElement {
  const label = () => (choose.rejected.has(index) ? `Keep change ${index + 1} of ${count}` : `Reject change ${index + 1} of ${count}`);
  const show = () => {
    const now = choose.rejected.has(index);
    hunk.classList.toggle('rejected', now);
    toggle.textContent = now ? 'Keep' : 'Reject';
    toggle.setAttribute('aria-label', label());
  };
  const toggle: HTMLElement = button(
    'Reject',
    () => {
      if (choose.rejected.has(index)) choose.rejected.delete(index);
      else choose.rejected.add(index);
      show();
      choose.onToggle();
    },
    { secondary: true, className: 'hunk-toggle', 'aria-label': label() },
  );
  show(); // a choice made before the panel was reloaded
  return toggle;
}
