// The contract's index types as the sidecar's index code uses them.
import type { ParamsOf } from '../../protocol/rpc';
import type { SearchIndex } from '../../protocol/index';

export type { CodeSpan, IndexStatus } from '../../protocol/index';
export type ParamsOfSearch = ParamsOf<typeof SearchIndex>;
