import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import type { Skill } from '@h2s/db';
import { SKILL_LABELS } from '$lib/skills';
import { actionMessage, badRequestFieldErrors, isCode } from '@h2s/server/sveltekit';

export const load: PageServerLoad = () => ({ skills: SKILL_LABELS });

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
    const skills = form.getAll('skill').map(String) as Skill[];
    if (!values.serviceRadiusMiles.trim()) {
      return fail(400, { values, skills, errors: { serviceRadiusMiles: 'Service radius is required' } as Record<string, string> });
    }
    let proId: string;
    try {
      ({ proId } = await locals.api.admin.createPro({
        ...values,
        password,
        skills,
        serviceRadiusMiles: Number(values.serviceRadiusMiles),
      }));
    } catch (e) {
      const fields = badRequestFieldErrors(e);
      if (fields) return fail(400, { values, skills, errors: fields });
      // The one conflict createPro raises is a taken email; show it on that field.
      if (isCode(e, 'CONFLICT')) return fail(409, { values, skills, errors: { email: e.message } as Record<string, string> });
      const { status, message } = actionMessage(e);
      return fail(status, { values, skills, errors: { _: message } as Record<string, string> });
    }
    redirect(303, `/admin/pros?created=${proId}`);
  },
} satisfies Actions;
