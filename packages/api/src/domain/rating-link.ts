/**
 * The rating link: built like the tracking link (`<orderId>.<version>.<HMAC>`, revoked with it by
 * raising the order's tracking version) under its own HMAC purpose, so a rating link opens nothing else.
 */
import { createHmac } from 'node:crypto';
import type { ApiDeps } from './deps';

type RatingDeps = Pick<ApiDeps, 'urlSigningSecret'>;

export const ratingMac = (secret: string, orderId: string, version: number) =>
  createHmac('sha256', secret).update(`rating:${orderId}.${version}`).digest('base64url');

export const ratingToken = (deps: RatingDeps, orderId: string, version: number) =>
  `${orderId}.${version}.${ratingMac(deps.urlSigningSecret, orderId, version)}`;

export const ratingPath = (deps: RatingDeps, orderId: string, version: number) => `/rate/${ratingToken(deps, orderId, version)}`;

export const ratingUrl = (deps: RatingDeps & Pick<ApiDeps, 'customerOrigin'>, orderId: string, version: number) =>
  `${deps.customerOrigin}${ratingPath(deps, orderId, version)}`;
