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

const jpegSegment = (marker: number, body: Uint8Array | number[]) => {
  const length = body.length + 2;
  return Buffer.concat([Buffer.from([0xff, marker, length >> 8, length & 0xff]), Buffer.from(body)]);
};
const oneCode = [1, ...Array<number>(15).fill(0)];

/**
 * A real JPEG (one 8×8 grey block, as bench/lib/jpeg.ts builds it) carrying `tag` in a comment
 * segment: it decodes, and each tag gives other bytes (another sha256).
 */
export function tinyJpeg(tag: string): Uint8Array<ArrayBuffer> {
  const out = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    jpegSegment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    jpegSegment(0xfe, Buffer.from(tag)),
    jpegSegment(0xdb, [0, ...Array<number>(64).fill(1)]),
    jpegSegment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    jpegSegment(0xc4, [0x00, ...oneCode, 0x00]),
    jpegSegment(0xc4, [0x10, ...oneCode, 0x00]),
    jpegSegment(0xda, [1, 1, 0x00, 0, 63, 0]),
    Buffer.from([0x3f, 0xff, 0xd9]),
  ]);
  return new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}
