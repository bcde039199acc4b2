import { fail, redirect } from '@sveltejs/kit';
import { formProblem } from '@h2s/server/sveltekit';
import type { Actions, PageServerLoad } from './$types';

/** Only the answer to the form below has anything to show. */
export const load: PageServerLoad = () => ({});

export const actions = {
  /** "Tell me when you serve my area", from the cart after checkout refused the ZIP code. */
  default: async ({ request, locals }) => {
    const data = await request.formData();
    const email = String(data.get('email') ?? '').trim();
    const postalCode = String(data.get('postalCode') ?? '').trim();
    if (!postalCode) redirect(303, '/cart');
    let skus: string[] = [];
    try {
      const parsed: unknown = JSON.parse(String(data.get('items') ?? '[]'));
      if (Array.isArray(parsed)) skus = parsed.map((line: { sku?: unknown }) => String(line?.sku ?? '')).filter(Boolean);
    } catch {
      // No cart lines: the request still names the area.
    }
    try {
      const area = await locals.api.checkout.notifyWhenServed({ email, postalCode, skus });
      return { saved: { ...area, email } };
    } catch (error) {
      const problem = formProblem(error);
      return fail(problem.status, { email, postalCode, fieldErrors: problem.fieldErrors, message: problem.message });
    }
  },
} satisfies Actions;
