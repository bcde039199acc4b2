/**
 * One photo to `uploads.create` as multipart form data, with upload progress. fetch() cannot report
 * upload progress, so this is XMLHttpRequest; the answer is tRPC's plain JSON envelope.
 */
import type { RouterOutputs } from '@h2s/api/client';

export type UploadView = RouterOutputs['uploads']['list']['uploads'][number];
export type CreatedUpload = RouterOutputs['uploads']['create'];

export type UploadOutcome = ({ ok: true } & CreatedUpload) | { ok: false; code: string | null; message: string };

interface TrpcEnvelope {
  result?: { data?: CreatedUpload };
  error?: { message?: string; data?: { code?: string; fieldErrors?: Record<string, string> | null } };
}

export function uploadPhoto(
  sessionId: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const body = new FormData();
    body.append('sessionId', sessionId);
    body.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/trpc/uploads.create');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let envelope: TrpcEnvelope | null = null;
      try {
        envelope = JSON.parse(xhr.responseText) as TrpcEnvelope;
      } catch {
        // Not tRPC's answer: the server's own body limit, a proxy, or an outage.
      }
      const data = envelope?.result?.data;
      if (xhr.status >= 200 && xhr.status < 300 && data) {
        onProgress(1);
        return resolve({ ok: true, ...data });
      }
      const error = envelope?.error;
      if (error) {
        const fields = error.data?.fieldErrors;
        const message = (fields && (fields.file ?? Object.values(fields)[0])) || error.message || 'Upload failed';
        return resolve({ ok: false, code: error.data?.code ?? null, message });
      }
      if (xhr.status === 413) return resolve({ ok: false, code: 'PAYLOAD_TOO_LARGE', message: 'This file is too large to upload.' });
      resolve({ ok: false, code: null, message: `Upload failed (HTTP ${xhr.status}). Please try again.` });
    });
    xhr.addEventListener('error', () => resolve({ ok: false, code: null, message: 'Upload failed: check your connection and try again.' }));
    xhr.addEventListener('abort', () => resolve({ ok: false, code: 'ABORTED', message: 'Upload cancelled.' }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}
