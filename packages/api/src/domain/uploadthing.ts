/**
 * Customer photos on UploadThing, through its official server SDK. Our storage key is the file's
 * customId, so every operation addresses the file by the key we already hold, and putting the
 * same key twice finds the first copy instead of making a second.
 */
import { openAsBlob } from 'node:fs';
import { UTApi, UTFile } from 'uploadthing/server';
import { assertStorageKey, isFileOnDisk, type FileStore } from './storage';

export interface UploadThingStoreOptions {
  /** Every request the store makes (the SDK's and its own downloads) goes through this. */
  fetch?: typeof fetch;
}

/** How long a read URL we sign for ourselves stays valid; it is used at once and never handed out. */
const READ_URL_TTL_SECONDS = 300;

export function uploadThingStore(token: string, options: UploadThingStoreOptions = {}): FileStore {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const api = new UTApi({
    token,
    // The SDK's FetchEsque is structurally wider than fetch's types but calls it the ordinary way.
    fetch: fetchImpl as NonNullable<ConstructorParameters<typeof UTApi>[0]>['fetch'],
    defaultKeyType: 'customId',
    logLevel: 'Error',
  });

  // Keys contain slashes; on the CDN a customId is one path segment.
  const readUrl = async (key: string) => (await api.generateSignedURL(encodeURIComponent(key), { expiresIn: READ_URL_TTL_SECONDS })).ufsUrl;

  /** Where the file lives, without the short-lived signature. */
  const fileUrl = async (key: string) => {
    const url = new URL(await readUrl(key));
    url.search = '';
    return url.href;
  };

  async function get(key: string): Promise<Uint8Array | null> {
    assertStorageKey(key);
    const response = await fetchImpl(await readUrl(key), { method: 'GET' });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`UploadThing: download of ${key} failed with HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async function size(key: string): Promise<number | null> {
    assertStorageKey(key);
    const response = await fetchImpl(await readUrl(key), { method: 'HEAD' });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`UploadThing: HEAD of ${key} failed with HTTP ${response.status}`);
    const length = response.headers.get('content-length');
    if (length !== null && /^\d+$/.test(length)) return Number(length);
    // A CDN may omit the length on HEAD; the bytes themselves settle it.
    return (await get(key))?.length ?? null;
  }

  return {
    kind: 'uploadthing',
    async put(key, body, contentType) {
      assertStorageKey(key);
      const length = isFileOnDisk(body) ? body.size : body.length;
      // The key names the bytes (it ends in their sha256), so a file already there of this size is this file.
      if ((await size(key)) === length) return { url: await fileUrl(key) };
      const name = key.slice(key.lastIndexOf('/') + 1);
      // A file on disk goes as a file-backed Blob: read as it is sent, never held whole in memory.
      const part = isFileOnDisk(body) ? await openAsBlob(body.path, { type: contentType }) : new Uint8Array(body);
      const file = new UTFile([part], name, { type: contentType, customId: key });
      const result = await api.uploadFiles(file, { contentDisposition: 'inline' });
      if (result.error) {
        // A concurrent put of the same key may have claimed the customId first; its bytes are ours.
        if ((await size(key)) === length) return { url: await fileUrl(key) };
        throw new Error(`UploadThing: upload of ${key} failed: ${result.error.code} ${result.error.message}`);
      }
      return { url: result.data.ufsUrl };
    },
    get,
    size,
    async remove(key) {
      assertStorageKey(key);
      await api.deleteFiles(key, { keyType: 'customId' });
    },
  };
}
