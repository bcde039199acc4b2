import { fail, redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { actionMessage, badRequestFieldErrors, isCode } from '@h2s/server/sveltekit';

export const actions = {
  create: async ({ locals, request }) => {
    const form = await request.formData();
    const values = {
      name: String(form.get('name') ?? ''),
      email: String(form.get('email') ?? '').trim(),
      postalCode: String(form.get('postalCode') ?? ''),
      serviceRadiusMiles: String(form.get('serviceRadiusMiles') ?? ''),
    };
    const password = String(form.get('password') ?? '');
    if (!values.serviceRadiusMiles.trim()) {
      return fail(400, { values, errors: { serviceRadiusMiles: 'Service radius is required' } as Record<string, string> });
    }
    let proId: string;
    try {
      ({ proId } = await locals.api.admin.createPro({ ...values, password, serviceRadiusMiles: Number(values.serviceRadiusMiles) }));
    } catch (e) {
      const fields = badRequestFieldErrors(e);
      if (fields) return fail(400, { values, errors: fields });
      // The one conflict createPro raises is a taken email; show it on that field.
      if (isCode(e, 'CONFLICT')) return fail(409, { values, errors: { email: e.message } as Record<string, string> });
      const { status, message } = actionMessage(e);
      return fail(status, { values, errors: { _: message } as Record<string, string> });
    }
    redirect(303, `/admin/pros?created=${proId}`);
  },
} satisfies Actions;
