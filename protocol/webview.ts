// Messages between the extension host and the Pylot panel (webview-ui/). The webview has no Node
// and no `vscode`; it validates what it receives with the same schemas the host sends with.
import * as z from 'zod/mini';
import { HardwareReport, ModelInfo, ModelState, PoolMemberHealth, Role } from './sidecar';
import { UsageStats } from './usageStats';

export const SidecarStatus = z.enum(['idle', 'starting', 'ready', 'restarting', 'stopped']);
export type SidecarStatus = z.infer<typeof SidecarStatus>;

export const RoleView = z.object({
  role: Role,
  /** The setting's value (a .gguf path, `server:<profile>` or `catalog:<id>`); absent when none is set. */
  spec: z.optional(z.string()),
  state: z.union([ModelState, z.literal('none')]),
  progress: z.optional(z.number()),
  model: z.optional(ModelInfo),
  error: z.optional(z.string()),
  /** A pool of servers: the profile that gave the role's last answer, and each server as last seen. */
  answeredBy: z.optional(z.string()),
  servers: z.optional(z.array(PoolMemberHealth)),
});
export type RoleView = z.infer<typeof RoleView>;

export const PanelState = z.object({
  sidecar: z.object({ status: SidecarStatus, detail: z.optional(z.string()), pid: z.optional(z.int()) }),
  hardware: z.optional(HardwareReport),
  roles: z.array(RoleView),
  /** Local acceptance statistics (protocol/usageStats.ts), once read. */
  usage: z.optional(UsageStats),
});
export type PanelState = z.infer<typeof PanelState>;

/** Host → webview. */
export const HostMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('state'), state: PanelState })]);
export type HostMessage = z.infer<typeof HostMessage>;

export const PanelCommand = z.enum(['restartSidecar', 'showLogs', 'selectModel', 'exportUsageStats', 'resetUsageStats']);
export type PanelCommand = z.infer<typeof PanelCommand>;

/** Webview → host. */
export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('command'), command: PanelCommand }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;
