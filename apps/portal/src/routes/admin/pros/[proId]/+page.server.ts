import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { availabilityFromForm } from '$lib/server/availability';
import { SKILL_LABELS } from '$lib/skills';
import { actionMessage, badRequestFieldErrors, failLoad } from '@h2s/server/sveltekit';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  try {
    const { pros } = await locals.api.admin.pros({});
    const pro = pros.find((p) => p.id === params.proId);
    if (!pro) error(404, 'Pro not found.');
    return { pro, skills: SKILL_LABELS, availability: await locals.api.pros.availability({ proId: pro.id }) };
  } catch (e) {
    failLoad(e, url);
  }
};

type Skill = (typeof SKILL_LABELS)[number]['skill'];

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
  skills: async ({ locals, params, request }) => {
    const form = await request.formData();
    const skills = form.getAll('skill').map(String) as Skill[];
    try {
      await locals.api.admin.setProSkills({ proId: params.proId, skills });
    } catch (e) {
      return fail(actionMessage(e).status, { skillsError: actionMessage(e).message });
    }
    return { skillsMessage: 'Skills saved.' };
  },
  availability: async ({ locals, params, request }) => {
    try {
      await locals.api.pros.setAvailability({ proId: params.proId, ...availabilityFromForm(await request.formData()) });
    } catch (e) {
      return fail(actionMessage(e).status, { error: actionMessage(e).message });
    }
    return { message: 'Hours saved.' };
  },
} satisfies Actions;
