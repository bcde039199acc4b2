import { fail, redirect } from '@sveltejs/kit';
import { formProblem } from '@h2s/server/sveltekit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { bundles } = await locals.api.catalog.list();
  return { bundles, cancelled: url.searchParams.get('checkout') === 'cancelled' };
};

/** The form's field names are the API's input paths, so its field errors land on the right input. */
const FIELDS = [
  'customer.name',
  'customer.email',
  'customer.phone',
  'serviceAddress.line1',
  'serviceAddress.line2',
  'serviceAddress.city',
  'serviceAddress.state',
  'serviceAddress.postalCode',
  'notes',
] as const;

function cartItems(raw: FormDataEntryValue | null): { sku: string; quantity: number }[] {
  try {
    const parsed: unknown = JSON.parse(String(raw ?? '[]'));
    return Array.isArray(parsed)
      ? parsed.map((l: { sku?: unknown; quantity?: unknown }) => ({ sku: String(l?.sku ?? ''), quantity: Number(l?.quantity) }))
      : [];
  } catch {
    return [];
  }
}

export const actions = {
  default: async ({ request, locals }) => {
    const data = await request.formData();
    const values = Object.fromEntries(FIELDS.map((f) => [f, String(data.get(f) ?? '')])) as Record<(typeof FIELDS)[number], string>;
    const optional = (v: string) => (v.trim() ? v : undefined);
    const textUpdates = data.get('textUpdates') === 'on';
    let url: string;
    try {
      ({ url } = await locals.api.checkout.create({
        items: cartItems(data.get('items')),
        customer: { name: values['customer.name'], email: values['customer.email'], phone: values['customer.phone'] },
        serviceAddress: {
          line1: values['serviceAddress.line1'],
          line2: optional(values['serviceAddress.line2']),
          city: values['serviceAddress.city'],
          state: values['serviceAddress.state'],
          postalCode: values['serviceAddress.postalCode'],
        },
        notes: optional(values.notes),
        textUpdates,
      }));
    } catch (error) {
      const problem = formProblem(error);
      return fail(problem.status, { values, textUpdates, fieldErrors: problem.fieldErrors, message: problem.message });
    }
    redirect(303, url);
  },
} satisfies Actions;
