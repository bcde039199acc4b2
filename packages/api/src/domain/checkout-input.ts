/** What `checkout.create` takes: the cart, the customer and the service address, each field with its message. */
import { z } from 'zod';
import { US_STATE_CODES } from '@h2s/db/us-states';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`)
    // Control characters have no place in a name or an address and break logs and emails (tab, LF, CR aside).
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
    .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), `${label} contains control characters`);

export const checkoutInput = z.object({
  items: z
    .array(
      z.object({
        sku: z.string().trim().min(1).max(64),
        quantity: z
          .number()
          .int('Quantity must be a whole number')
          .min(1, 'Quantity must be at least 1')
          .max(10, 'At most 10 of one bundle'),
      }),
    )
    .min(1, 'Your cart is empty')
    .max(20, 'At most 20 lines in one order'),
  customer: z.object({
    name: text('Name', 120),
    email: z.string().trim().max(254, 'Email is too long').pipe(z.email('Enter a valid email address')),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ().-]{7,20}$/, 'Enter a valid phone number')
      .refine((v) => v.replace(/\D/g, '').length >= 10, 'Enter a 10-digit phone number'),
  }),
  serviceAddress: z.object({
    line1: text('Street address', 200),
    line2: z.string().trim().max(200, 'Apartment, suite, etc. must be at most 200 characters').optional(),
    city: text('City', 100),
    state: z
      .string()
      .trim()
      .toUpperCase()
      .refine((v) => (US_STATE_CODES as readonly string[]).includes(v), 'Choose a US state'),
    postalCode: z
      .string()
      .trim()
      .regex(/^\d{5}(-\d{4})?$/, 'Enter a 5-digit ZIP code'),
  }),
  notes: z.string().trim().max(2000, 'Installation notes must be at most 2000 characters').optional(),
  /** Text updates to customer.phone (confirmation, reminder, on the way, done). */
  textUpdates: z.boolean().optional(),
});
export type CheckoutInput = z.infer<typeof checkoutInput>;
