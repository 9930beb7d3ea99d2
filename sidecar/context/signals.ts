// The editor's signals as last reported by the extension (context/signals).
import type { ParamsOf } from '../../protocol/rpc';
import type { ContextSignals, TouchedRange } from '../../protocol/context';

export class SignalState {
  openTabs: readonly string[] = [];
  visited: readonly TouchedRange[] = [];
  edited: readonly TouchedRange[] = [];
  clipboard: { readonly text: string; readonly at: number; readonly source?: string } | undefined;

  update(params: ParamsOf<typeof ContextSignals>): void {
    if (params.openTabs) this.openTabs = params.openTabs.slice(0, 32);
    if (params.visited) this.visited = params.visited.slice(0, 32);
    if (params.edited) this.edited = params.edited.slice(0, 32);
    if (params.clipboard) this.clipboard = params.clipboard;
  }
}
