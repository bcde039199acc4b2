/**
 * A structurally valid JPEG of a chosen size: a real 8×8 greyscale baseline image, padded with
 * comment (COM) segments of random bytes. Decoders skip COM segments by their length, so the file
 * opens as an image; the random padding makes each file's sha256 unique.
 */
import { randomBytes } from 'node:crypto';

const segment = (marker: number, body: Uint8Array | number[]) => {
  const length = body.length + 2;
  return Buffer.concat([Buffer.from([0xff, marker, length >> 8, length & 0xff]), Buffer.from(body)]);
};

const oneCode = [1, ...Array<number>(15).fill(0)];

/** SOI … EOI around one 8×8 block whose tables each hold a single one-bit code (DC 0, end of block). */
const tinyImage = {
  head: Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0])]),
  tail: Buffer.concat([
    segment(0xdb, [0, ...Array<number>(64).fill(1)]),
    segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    segment(0xc4, [0x00, ...oneCode, 0x00]),
    segment(0xc4, [0x10, ...oneCode, 0x00]),
    segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    Buffer.from([0x3f, 0xff, 0xd9]),
  ]),
};

const MAX_SEGMENT_BODY = 65_533;

export function makeJpeg(totalBytes: number): Uint8Array<ArrayBuffer> {
  const fixed = tinyImage.head.length + tinyImage.tail.length;
  let remaining = totalBytes - fixed;
  const comments: Buffer[] = [];
  while (remaining >= 4) {
    let body = Math.min(MAX_SEGMENT_BODY, remaining - 4);
    // Never leave 1-3 bytes over: no segment is that small, and the size should come out exact.
    if (remaining - body - 4 > 0 && remaining - body - 4 < 4) body -= 4;
    comments.push(segment(0xfe, randomBytes(body)));
    remaining -= body + 4;
  }
  const out = Buffer.concat([tinyImage.head, ...comments, tinyImage.tail]);
  return new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}
