/**
 * Progress of one transfer (a model download, an Ollama pull), reported as it goes. Bytes are
 * cumulative for the whole transfer; `totalBytes` is absent while unknown.
 */
export interface TransferProgress {
  /** Stable id of the transfer (e.g. the cache path or the Ollama model name). */
  id: string;
  /** What the user sees (e.g. `qwen2.5-0.5b-instruct-q4_k_m.gguf`, `qwen2.5:1.5b`). */
  label: string;
  completedBytes: number;
  totalBytes?: number;
  /** Free-text phase, e.g. `downloading`, `verifying sha256`, Ollama's `pulling manifest`. */
  phase?: string;
  /** Set on the last report of a successful transfer. */
  done?: boolean;
}

/** Receives {@link TransferProgress} reports. */
export type OnTransferProgress = (progress: TransferProgress) => void;
