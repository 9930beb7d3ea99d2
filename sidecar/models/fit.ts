// Whether a model fits this machine: all on the GPU, split between GPU and RAM, on the CPU, or not
// at all. Pure, so every kind of machine can be tested without having it.
import type { Fit } from '../../protocol/models';
import type { HardwareReport } from '../../protocol/sidecar';
import type { MemoryEstimate } from './estimate';

export interface FitResult {
  fit: Fit;
  gpuLayers: number;
  /** False when it fits the machine but not the memory free right now (close something first). */
  fitsFreeMemory: boolean;
}

const GiB = 2 ** 30;
/** VRAM llama.cpp and the driver keep for themselves beyond what we estimate. */
const vramHeadroom = 0.05;

/** RAM a model may use: what VS Code, the OS and the rest of the machine need is left aside. */
function usableRam(total: number): number {
  return total - Math.max(GiB, total * 0.15);
}

export function fitVerdict(need: MemoryEstimate, hardware: Pick<HardwareReport, 'backend' | 'ram' | 'vram'>): FitResult {
  const { ram, vram } = hardware;
  const ramNeed = (bytes: number) => ({ fits: bytes <= usableRam(ram.total), fitsFree: bytes <= ram.free - GiB / 2 });
  const vramFree = hardware.backend === 'cpu' ? 0 : vram.free * (1 - vramHeadroom);

  if (vramFree > 0) {
    if (need.totalBytes <= vramFree) return { fit: 'gpu', gpuLayers: need.layers, fitsFreeMemory: true };
    // Offloaded layers take their weights and their share of the KV cache; scratch stays on the GPU too.
    const perLayer = need.layerBytes + need.kvCacheBytes / need.layers;
    const gpuLayers = Math.min(need.layers - 1, Math.floor((vramFree - need.computeBytes) / perLayer));
    if (gpuLayers >= 1) {
      const rest = ramNeed(need.totalBytes - gpuLayers * perLayer);
      if (rest.fits) return { fit: 'partial', gpuLayers, fitsFreeMemory: rest.fitsFree };
    }
  }
  const all = ramNeed(need.totalBytes);
  return all.fits ? { fit: 'cpu', gpuLayers: 0, fitsFreeMemory: all.fitsFree } : { fit: 'too-large', gpuLayers: 0, fitsFreeMemory: false };
}
