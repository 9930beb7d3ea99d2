// What LocalEngine hands node-llama-cpp for one generation, and how node-llama-cpp's stop reasons
// read in Pylot's terms.
import type { LlamaGrammar } from 'node-llama-cpp';
import type { StopReason } from '../engine';

export interface GenerationSettings {
  maxTokens?: number;
  temperature: number;
  seed?: number;
  signal: AbortSignal;
  stopOnAbortSignal: true;
  customStopTriggers?: string[];
  grammar?: LlamaGrammar;
  onTextChunk?: (text: string) => void;
}

export const stopReasons: Record<string, StopReason> = {
  eogToken: 'eos',
  eosToken: 'eos',
  maxTokens: 'maxTokens',
  stopGenerationTrigger: 'stopTrigger',
  customStopTrigger: 'stopTrigger',
  abort: 'aborted',
};
