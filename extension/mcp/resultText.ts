// An MCP tool result as the text the model reads: text parts as they are, embedded text resources
// with their URI, and a one-line placeholder for images, audio and links (a small local model reads
// no images). Capped: a server may answer with megabytes. No `vscode`, no SDK.
import { cut } from '../../protocol/agent/externalTools';

/** The most characters of one result kept (what is past it is dropped with a note; the saved-output path takes the rest of the size down). */
export const resultLimit = 200_000;

export function resultText(result: unknown, limit = resultLimit): string {
  const record = (result && typeof result === 'object' ? result : {}) as Record<string, unknown>;
  const parts: string[] = [];
  const content = Array.isArray(record.content) ? record.content : [];
  for (const part of content) parts.push(partText(part));
  // A server that answers only structured content (older servers put it in toolResult).
  if (!content.length && record.structuredContent !== undefined) parts.push(JSON.stringify(record.structuredContent));
  if (!content.length && record.toolResult !== undefined) parts.push(JSON.stringify(record.toolResult));
  const text = parts.join('\n');
  if (text.length <= limit) return text;
  return `${cut(text, limit)}\n[The server sent ${text.length} characters; the first ${limit} are kept.]`;
}

function partText(part: unknown): string {
  if (!part || typeof part !== 'object') return '';
  const { type, text, mimeType, data, uri, resource, name } = part as Record<string, unknown>;
  if (type === 'text') return typeof text === 'string' ? text : '';
  if (type === 'image' || type === 'audio')
    return `[${type}${typeof mimeType === 'string' ? `, ${mimeType}` : ''}, ${typeof data === 'string' ? Math.floor((data.length * 3) / 4) : 0} bytes]`;
  if (type === 'resource_link') return `[resource${typeof name === 'string' ? ` ${name}` : ''}: ${String(uri ?? '')}]`;
  if (type === 'resource' && resource && typeof resource === 'object') {
    const embedded = resource as Record<string, unknown>;
    if (typeof embedded.text === 'string') return `${String(embedded.uri ?? '')}\n${embedded.text}`;
    return `[resource ${String(embedded.uri ?? '')}, binary]`;
  }
  return '';
}
