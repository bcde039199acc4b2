import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { actionMessage, badRequestFieldErrors, failLoad } from '@h2s/ui/server';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  try {
    const { pros } = await locals.api.admin.pros({});
    const pro = pros.find((p) => p.id === params.proId);
    if (!pro) error(404, 'No such pro.');
    return { pro };
  } catch (e) {
    failLoad(e, url);
  }
};

export const actions = {
  save: async ({ locals, request, params }) => {
    const form = await request.formData();
    const values = {
      name: String(form.get('name') ?? ''),
      postalCode: String(form.get('postalCode') ?? ''),
      serviceRadiusMiles: String(form.get('serviceRadiusMiles') ?? ''),
      active: form.get('active') === 'on',
    };
    const password = String(form.get('password') ?? '');
    if (!values.serviceRadiusMiles.trim()) {
      return fail(400, { values, errors: { serviceRadiusMiles: 'Service radius is required' } as Record<string, string> });
    }
    try {
      await locals.api.admin.updatePro({
        proId: params.proId,
        name: values.name,
        postalCode: values.postalCode,
        serviceRadiusMiles: Number(values.serviceRadiusMiles),
        active: values.active,
        ...(password ? { password } : {}),
      });
    } catch (e) {
      const fields = badRequestFieldErrors(e);
      if (fields) return fail(400, { values, errors: fields });
      const { status, message } = actionMessage(e);
      return fail(status, { values, errors: { _: message } as Record<string, string> });
    }
    redirect(303, `/admin/pros?updated=${params.proId}${password ? '&password=reset' : ''}`);
  },
} satisfies Actions;
