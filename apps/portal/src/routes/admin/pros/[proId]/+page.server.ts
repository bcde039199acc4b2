import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { availabilityFromForm } from '$lib/server/availability';
import { actionMessage, failLoad } from '$lib/server/errors';

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

const SKILL_LABELS = [
  { skill: 'wall-mount', label: 'Wall mounting' },
  { skill: 'in-wall-wiring', label: 'In-wall wiring' },
  { skill: 'smart-home', label: 'Smart home' },
  { skill: 'security-cameras', label: 'Security cameras' },
  { skill: 'networking', label: 'Networking' },
] as const;

type Skill = (typeof SKILL_LABELS)[number]['skill'];

export const actions = {
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
