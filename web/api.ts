import { Client } from "@langchain/langgraph-sdk";
import type { ListedModel } from "./types";

const KEY = "moa.apiKey";

/** The API key kept for this server (moa serve may require one), if any. */
export function storedKey(): string | null {
  return localStorage.getItem(KEY);
}

export function storeKey(key: string): void {
  if (key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}

/** Listeners told when a request was refused for want of a key, so the page can ask for one. */
const unauthorizedListeners = new Set<() => void>();

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** fetch with the stored key as a bearer token; a 401 asks the page for a key. */
export const authFetch: typeof fetch = async (input, init) => {
  const headers = new Headers(init?.headers);
  const key = storedKey();
  if (key) headers.set("Authorization", `Bearer ${key}`);
  const response = await fetch(input, { ...init, headers });
  if (response.status === 401) for (const listener of unauthorizedListeners) listener();
  return response;
};

/** A LangGraph SDK client for the server that served the page. */
export function newClient(): Client {
  return new Client({ apiUrl: window.location.origin, callerOptions: { fetch: authFetch, maxRetries: 0 } });
}

/** The served mixtures (`GET /v1/models`). */
export async function listModels(): Promise<ListedModel[]> {
  const response = await authFetch("/v1/models");
  if (!response.ok) throw new Error(`GET /v1/models: HTTP ${response.status}`);
  const body = (await response.json()) as { data?: ListedModel[] };
  return body.data ?? [];
}
