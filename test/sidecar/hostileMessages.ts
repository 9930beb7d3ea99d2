// A seeded generator of hostile JSON-RPC messages for the sidecar's fuzz test: wrong types, missing
// fields, huge strings, deep nesting, unknown methods, notifications with ids, ids of every JSON
// type, duplicate ids, cancel storms, params of every shape, valid methods with junk params,
// oversize payloads. Each message comes as the JSON text to write, plus whether the sidecar owes
// it an answer carrying its id (an object with a "method" and a string or number id).
import * as agent from '../../protocol/agent';
import * as context from '../../protocol/context';
import * as index from '../../protocol/index';
import * as models from '../../protocol/models';
import type { NotificationDef, RequestDef } from '../../protocol/rpc';
import * as sidecar from '../../protocol/sidecar';

export interface HostileMessage {
  /** One line of JSON text (no newline). */
  readonly text: string;
  readonly kind: string;
  /** Set when the sidecar must answer with this id: its JSON text, and the method sent. */
  readonly answerId?: { readonly key: string; readonly method: unknown };
}

/** Every request and notification of the contract, whichever side serves it. */
export const contract: ReadonlyArray<RequestDef | NotificationDef> = [agent, context, index, models, sidecar]
  .flatMap((module) => Object.values(module))
  .filter((value): value is RequestDef | NotificationDef => typeof value === 'object' && value !== null && 'method' in value && 'kind' in value);

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class HostileMessages {
  private readonly random: () => number;
  private serial = 0;
  /** Ids recently sent, reused for duplicates and cancellations. */
  private readonly recentIds: Array<string | number> = [];

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  /** One batch: usually one message, sometimes a group that must arrive together (duplicates, a request and its cancel storm). */
  next(): HostileMessage[] {
    const classes: Array<[number, () => HostileMessage[]]> = [
      [10, () => [this.wrongTypes()]],
      [6, () => [this.missingFields()]],
      [10, () => [this.unknownMethod()]],
      [8, () => [this.notificationWithId()]],
      [10, () => [this.idOfEveryType()]],
      [6, () => this.duplicateIds()],
      [6, () => this.cancelStorm()],
      [12, () => [this.paramsOfEveryShape()]],
      [16, () => [this.junkParams()]],
      [6, () => [this.junkNotification()]],
      [4, () => [this.fakeResponse()]],
      [4, () => [this.notAnObject()]],
      [2, () => [this.deepNesting()]],
      [0.3, () => [this.hugeString()]],
      [0.04, () => [this.oversize()]],
    ];
    const total = classes.reduce((sum, [weight]) => sum + weight, 0);
    let pick = this.random() * total;
    for (const [weight, make] of classes) if ((pick -= weight) < 0) return make();
    return [this.junkParams()];
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  private choose<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private method(): string {
    return this.choose(contract).method;
  }

  private freshId(): string | number {
    const n = ++this.serial;
    const id = this.choose<string | number>([n, -n, n + 0.5, `s${n}`, `ü-${n}-\u2028`, `${n}`, n * 2 ** 20]);
    this.recentIds.push(id);
    if (this.recentIds.length > 64) this.recentIds.shift();
    return id;
  }

  /** Any JSON value, small: the junk that fills params and fields. */
  private junk(depth = 0): unknown {
    switch (this.int(depth > 3 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return this.random() < 0.5;
      case 2:
        return this.choose([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE, this.int(1000)]);
      case 3:
        return this.choose(['', 'x', '\u0000', '\ud800', '../../etc/passwd', '/proc/self/mem', '__proto__', 'null', '{"a":1}', 'ü'.repeat(this.int(300))]);
      case 4:
        return `/tmp/${this.int(1e6)}`;
      case 5:
        return this.choose(contract).method;
      case 6:
        return Array.from({ length: this.int(5) }, () => this.junk(depth + 1));
      default: {
        const keys = [
          'prefix',
          'suffix',
          'role',
          'source',
          'path',
          'root',
          'storageDir',
          'uri',
          'text',
          'id',
          'query',
          'paused',
          'protocolVersion',
          'settings',
          '__proto__',
          'constructor',
          'messages',
          'maxTokens',
        ];
        return Object.fromEntries(Array.from({ length: this.int(6) }, () => [this.choose(keys), this.junk(depth + 1)]));
      }
    }
  }

  private request(kind: string, envelope: Record<string, unknown>): HostileMessage {
    const message: Record<string, unknown> = { jsonrpc: '2.0', ...envelope };
    const id = message.id;
    const owed = 'method' in message && (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)));
    return { text: JSON.stringify(message), kind, ...(owed ? { answerId: { key: JSON.stringify(id), method: message.method } } : {}) };
  }

  private wrongTypes(): HostileMessage {
    const field = this.choose(['method', 'jsonrpc', 'params', 'id']);
    const envelope: Record<string, unknown> = { id: this.freshId(), method: this.method(), params: this.junk() };
    envelope[field] = this.choose<unknown>([42, true, null, [], {}, [this.method()], { method: this.method() }, -0.5, '']);
    return this.request('wrong types', envelope);
  }

  private missingFields(): HostileMessage {
    const envelope: Record<string, unknown> = { id: this.freshId(), method: this.method(), params: this.junk() };
    for (const field of ['id', 'method', 'params']) if (this.random() < 0.5) delete envelope[field];
    return this.request('missing fields', envelope);
  }

  private unknownMethod(): HostileMessage {
    const method = this.choose([
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '$/setTrace',
      '$/progress',
      '$/logTrace',
      '$/unknown',
      'rpc.discover',
      'model/',
      '/',
      'Initialize',
      'initialize ',
      `x/${'y'.repeat(this.int(300))}`,
      '\u0000',
      'ünïcödé/méthod',
    ]);
    return this.request('unknown method', { id: this.freshId(), method, params: this.junk() });
  }

  private notificationWithId(): HostileMessage {
    const notification = this.choose(contract.filter((def) => def.kind === 'notification'));
    return this.request('notification with an id', { id: this.freshId(), method: notification.method, params: this.junk() });
  }

  private idOfEveryType(): HostileMessage {
    const id = this.choose<unknown>([null, true, false, {}, [], [1], { id: 1 }, 0, -0, 1.25, 2 ** 53 + 2, '', ' ', 'null', this.freshId()]);
    return this.request('ids of every type', { id, method: this.choose(['$/ping', 'models/catalog', this.method()]), params: this.junk() });
  }

  private duplicateIds(): HostileMessage[] {
    const id = this.random() < 0.5 ? this.freshId() : this.choose(this.recentIds.length ? this.recentIds : [this.freshId()]);
    const method = this.choose(['$/ping', 'models/catalog', this.method()]);
    const twin = typeof id === 'number' && this.random() < 0.3 ? String(id) : id; // 1 and "1": one slot in vscode-jsonrpc
    return [this.request('duplicate ids', { id, method, params: null }), this.request('duplicate ids', { id: twin, method, params: this.junk() })];
  }

  private cancelStorm(): HostileMessage[] {
    const target = this.freshId();
    const storm: HostileMessage[] = [
      this.request('cancel storm', { id: target, method: this.choose(['$/ping', 'models/catalog', this.method()]), params: null }),
    ];
    for (let i = 0; i < 1 + this.int(12); i++) {
      const params = this.choose<unknown>([
        { id: target },
        { id: this.choose(this.recentIds) },
        undefined,
        null,
        { id: null },
        'x',
        [target],
        { id: { target } },
        {},
        this.junk(),
      ]);
      storm.push(this.request('cancel storm', params === undefined ? { method: '$/cancelRequest' } : { method: '$/cancelRequest', params }));
    }
    return storm;
  }

  private paramsOfEveryShape(): HostileMessage {
    const params = this.choose<unknown>([[], [null], [1, 2], [{}], [[]], 'string', 7, true, null, [this.junk()], [{ prefix: 'a', suffix: 'b' }]]);
    return this.request('params of every shape', { id: this.freshId(), method: this.method(), params });
  }

  private junkParams(): HostileMessage {
    const method = this.method();
    const params = this.random() < 0.7 ? Object.assign({}, this.junk(1)) : this.junk();
    return this.request('valid method, junk params', { id: this.freshId(), method, params });
  }

  private junkNotification(): HostileMessage {
    return this.request('notification, junk params', {
      method: this.choose(contract.filter((def) => def.kind === 'notification')).method,
      params: this.junk(),
    });
  }

  private fakeResponse(): HostileMessage {
    const id = this.choose<unknown>([this.int(1000), `r${this.int(1000)}`, null, {}]);
    const body = this.choose<Record<string, unknown>>([
      { result: this.junk() },
      { error: this.junk() },
      { result: 1, error: { code: 1, message: 'both' } },
      {},
    ]);
    return this.request('fake response', { id, ...body });
  }

  private notAnObject(): HostileMessage {
    const value = this.choose<unknown>([null, 0, 'text', true, [], [{ jsonrpc: '2.0', id: 1, method: '$/ping' }], [1, 2, 3]]);
    return { text: JSON.stringify(value), kind: 'not an object' };
  }

  private deepNesting(): HostileMessage {
    const depth = this.choose([60, 64, 65, 100, 1_000, 10_000, 30_000]);
    const [open, close] = this.random() < 0.5 ? ['{"a":', '}'] : ['[', ']'];
    const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
    const id = this.freshId();
    const method = this.method();
    const where = this.int(3);
    const text =
      where === 0
        ? `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":${nested}}`
        : where === 1
          ? `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":{"prefix":"a","suffix":"b","extra":${nested}}}`
          : `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"params":${nested}}`;
    return { text, kind: 'deep nesting', ...(where < 2 ? { answerId: { key: JSON.stringify(id), method } } : {}) };
  }

  private hugeString(): HostileMessage {
    const size = this.choose([100_000, 1_000_000, 4_000_000]);
    const field = this.choose(['prefix', 'text', 'query', 'root']);
    return this.request('huge string', { id: this.freshId(), method: this.method(), params: { [field]: 'x'.repeat(size), suffix: '' } });
  }

  private oversize(): HostileMessage {
    const id = this.freshId();
    const method = this.method();
    const params = this.random() < 0.5 ? { text: 'y'.repeat(17 * 1024 * 1024) } : { changes: new Array(1_000_001).fill(0) };
    return { ...this.request('oversize', { id, method, params }), kind: 'oversize' };
  }
}
