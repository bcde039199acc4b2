/** Genuine tiny images for tests that need a photo but not its details. */
import { crc32, deflateSync } from 'node:zlib';

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 RGB PNG of the given colour, with optional extra chunks before the pixels. */
export function tinyPng(rgb: [number, number, number], extraChunks: Buffer[] = []): Uint8Array<ArrayBuffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      ...extraChunks,
      pngChunk('IDAT', deflateSync(Buffer.from([0, ...rgb]))),
      pngChunk('IEND', new Uint8Array()),
    ]),
  );
}

let shade = 0;
/** A PNG file no other call of this function returns (distinct bytes, so no dedupe). */
export function uniquePhoto(name = 'after.png'): File {
  shade++;
  return new File([tinyPng([shade % 256, Math.floor(shade / 256) % 256, 77])], name, { type: 'image/png' });
}

/** The multipart form a pro's after photo is posted as. */
export function afterPhotoForm(jobId: string, file: File = uniquePhoto()): FormData {
  const form = new FormData();
  form.set('jobId', jobId);
  form.set('kind', 'after');
  form.set('file', file);
  return form;
}
