import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertStorageKey, localFileStore, type FileStore } from './storage';
import { detectImageType, displayFilename } from './uploads';

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? Array.from(v, (c) => c.charCodeAt(0)) : [v])));

/** An ISO-BMFF ftyp box: size, 'ftyp', major brand, minor version, compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  return bytes(0, 0, 0, size, 'ftyp', major, 0, 0, 0, 0, ...compatible, 0, 0, 0, 8, 'meta');
};

describe('detectImageType', () => {
  it('recognises each accepted format by its magic bytes', () => {
    expect(detectImageType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'JFIF'))).toEqual({ mime: 'image/jpeg', ext: 'jpg' });
    expect(detectImageType(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'IHDR'))).toEqual({ mime: 'image/png', ext: 'png' });
    expect(detectImageType(bytes('RIFF', 0x24, 0, 0, 0, 'WEBPVP8 '))).toEqual({ mime: 'image/webp', ext: 'webp' });
    for (const brand of ['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'heim', 'heis']) {
      expect(detectImageType(ftyp(brand, 'mif1', 'heic')), brand).toEqual({ mime: 'image/heic', ext: 'heic' });
    }
  });

  it('refuses look-alikes and truncated signatures', () => {
    expect(detectImageType(new Uint8Array())).toBeNull();
    expect(detectImageType(bytes('GIF89a', 1, 0, 1, 0))).toBeNull();
    expect(detectImageType(bytes('<!doctype html><script>alert(1)</script>'))).toBeNull();
    expect(detectImageType(bytes('This is not a photo, just text.'))).toBeNull();
    expect(detectImageType(bytes(0xff, 0xd8))).toBeNull();
    // Seven of PNG's eight signature bytes: a text file that starts with "\x89PNG\r\n\x1a" is still not a PNG.
    expect(detectImageType(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x00, 'rest'))).toBeNull();
    expect(detectImageType(bytes('RIFF', 0x24, 0, 0, 0, 'WAVEfmt '))).toBeNull();
    // AVIF and MP4 share the ftyp box but are not HEIC.
    expect(detectImageType(ftyp('avif', 'mif1'))).toBeNull();
    expect(detectImageType(ftyp('isom', 'mp41'))).toBeNull();
    expect(detectImageType(bytes(0, 0, 0, 8, 'ftyp', 'heic'))).toBeNull();
  });

  it('ignores everything after the signature, so an image with a script inside is still that image', () => {
    expect(detectImageType(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, '<script>alert(1)</script>'))).toEqual({
      mime: 'image/png',
      ext: 'png',
    });
  });
});

describe('displayFilename', () => {
  it('keeps only the last path component, without control or bidi characters, at most 255 characters', () => {
    expect(displayFilename('../../etc/passwd.png')).toBe('passwd.png');
    expect(displayFilename('C:\\Users\\me\\Pictures\\wall.jpg')).toBe('wall.jpg');
    expect(displayFilename('ev\u0000il\r\n.png')).toBe('evil.png');
    // U+202E would render "photo\u202Egnp.exe" as "photoexe.png".
    expect(displayFilename('photo\u202Egnp.exe')).toBe('photognp.exe');
    expect(displayFilename('😀'.repeat(300))).toBe('😀'.repeat(255));
    expect(displayFilename('')).toBe('photo');
    expect(displayFilename('../')).toBe('photo');
    expect(displayFilename('..')).toBe('photo');
    expect(displayFilename(undefined)).toBe('photo');
  });
});

describe('localFileStore', () => {
  let root: string;
  let store: FileStore;
  const key = `customer-uploads/JOB-ABCDEFGH/${'a'.repeat(64)}.png`;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'h2s-store-'));
    store = localFileStore(join(root, 'uploads'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('puts, gets, sizes and removes a file by key', async () => {
    const data = bytes(1, 2, 3, 4, 5);
    expect(await store.put(key, data, 'image/png')).toEqual({ url: `local:${key}` });
    expect(await store.get(key)).toEqual(data);
    expect(await store.size(key)).toBe(5);
    // Same key, same bytes: a second put changes nothing and leaves no temporary file behind.
    await store.put(key, data, 'image/png');
    expect(readdirSync(join(root, 'uploads/customer-uploads/JOB-ABCDEFGH'))).toEqual([`${'a'.repeat(64)}.png`]);
    await store.remove(key);
    expect(await store.get(key)).toBeNull();
    expect(await store.size(key)).toBeNull();
    // Removing what is not there is not an error: cleanup paths may run twice.
    await expect(store.remove(key)).resolves.toBeUndefined();
  });

  it('stores a file from disk under its key (a second name, no copy in memory); the original stays for its owner to remove', async () => {
    const staging = join(root, 'staging');
    mkdirSync(staging);
    const path = join(staging, 'upload.part');
    writeFileSync(path, bytes(9, 8, 7, 6));
    await store.put(key, { path, size: 4 }, 'image/png');
    expect(await store.get(key)).toEqual(bytes(9, 8, 7, 6));
    expect(existsSync(path)).toBe(true);
    rmSync(path);
    expect(await store.get(key)).toEqual(bytes(9, 8, 7, 6));
    expect(readdirSync(join(root, 'uploads/customer-uploads/JOB-ABCDEFGH'))).toEqual([`${'a'.repeat(64)}.png`]);
    // A file that is not there fails the put and leaves nothing behind.
    await expect(store.put(key.replace('a'.repeat(64), 'b'.repeat(64)), { path, size: 4 }, 'image/png')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(join(root, 'uploads/customer-uploads/JOB-ABCDEFGH'))).toEqual([`${'a'.repeat(64)}.png`]);
  });

  it('refuses any key it did not build, before touching the disk', async () => {
    const bad = [
      '../outside.png',
      `customer-uploads/JOB-ABCDEFGH/../../../outside/${'a'.repeat(64)}.png`,
      `customer-uploads/JOB-ABCDEFGH/${'A'.repeat(64)}.png`,
      `customer-uploads/JOB-ABCDEFGH/${'a'.repeat(64)}.exe`,
      `customer-uploads/JOB-abcdefgh/${'a'.repeat(64)}.png`,
      `/etc/passwd`,
      `customer-uploads/JOB-ABCDEFGH/${'a'.repeat(64)}.png/../x.png`,
      `customer-uploads\\JOB-ABCDEFGH\\${'a'.repeat(64)}.png`,
    ];
    for (const k of bad) {
      expect(() => assertStorageKey(k), k).toThrow(/invalid storage key/);
      await expect(store.put(k, bytes(1), 'image/png'), k).rejects.toThrow(/invalid storage key/);
      await expect(store.get(k), k).rejects.toThrow(/invalid storage key/);
      await expect(store.size(k), k).rejects.toThrow(/invalid storage key/);
      await expect(store.remove(k), k).rejects.toThrow(/invalid storage key/);
    }
    expect(existsSync(join(root, 'uploads'))).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });
});
