/** What the upload tests share: tiny real images, a multipart form, and one test API per file. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Viewer } from '../auth';
import { createTestApi, MemoryCookies, type TestApi } from '../../test/fixtures';

// ---------------------------------------------------------------------------------------------
// Genuine tiny images, built here so the test does not depend on binary fixtures.

export { pngChunk, tinyPng as png } from '../../test/images';

/**
 * A valid baseline 8×8 greyscale JPEG: one block whose DC and AC tables each hold a single
 * one-bit code, so the entropy-coded data is "DC diff 0, end of block" = 0b00 padded with ones.
 */
export function jpeg(quant = 1): Uint8Array<ArrayBuffer> {
  const segment = (marker: number, body: number[]) => {
    const length = body.length + 2;
    return [0xff, marker, length >> 8, length & 0xff, ...body];
  };
  const oneCode = [1, ...Array<number>(15).fill(0)];
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0, ...Array<number>(64).fill(quant)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...oneCode, 0x00]),
    ...segment(0xc4, [0x10, ...oneCode, 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff,
    0xd9,
  ]);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function form(sessionId: string | null, file: File | null): FormData {
  const data = new FormData();
  if (sessionId !== null) data.set('sessionId', sessionId);
  if (file) data.set('file', file);
  return data;
}

export const photo = (bytes: Uint8Array<ArrayBuffer>, name = 'photo.png', type = 'image/png') => new File([bytes], name, { type });

/**
 * Every file under dir, as paths relative to it, named by content: a stored file is
 * `{sha256}-{uploadId}.{ext}`, and the upload id (one file per row) is dropped here.
 */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .map((p) => relative(dir, p).replace(/-UPL-[A-Z2-7]{10}(\.\w+)$/, '$1'))
    .sort();
}

/** The fields a BAD_REQUEST names: input validation and fieldError both carry Zod-shaped issues. */
export const fieldPaths = (error: TRPCError) =>
  ((error.cause as { issues?: { path: PropertyKey[] }[] } | undefined)?.issues ?? []).map((i) => i.path);

export { rejection } from '../../test/fixtures';

export let api: TestApi;
export const scope = { cookies: new MemoryCookies(), clientIp: null };

/** One test API (its own database and upload directory) per test file. */
export function useTestApi(): void {
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });
}

export const jobDir = (jobId: string) => join(api.uploadDir, 'customer-uploads', jobId);
export const serve = (url: string, method = 'GET') => api.server.serveUpload(new Request(new URL(url, 'http://x'), { method }), scope);

export async function upload(viewer: Viewer, sessionId: string, file: File) {
  return (await api.caller(viewer)).uploads.create(form(sessionId, file));
}

export async function rowCount(jobId: string): Promise<number> {
  const [row] = await api.t.sql<{ n: number }[]>`select count(*)::int as n from customer_uploads where job_id = ${jobId}`;
  return row?.n ?? -1;
}

export async function eventTypes(jobId: string): Promise<string[]> {
  const rows = await api.t.sql<{ type: string }[]>`select type from job_events where job_id = ${jobId} and type like 'photo_%' order by id`;
  return rows.map((r) => r.type);
}

export async function servedSha(url: string): Promise<string> {
  const response = await serve(url);
  expect(response.status).toBe(200);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}
