/** The skills a pro may hold, in dispatch's words (onboarding and the pro's page both pick from these). */
export const SKILL_LABELS = [
  { skill: 'wall-mount', label: 'Wall mounting' },
  { skill: 'in-wall-wiring', label: 'In-wall wiring' },
  { skill: 'smart-home', label: 'Smart home' },
  { skill: 'security-cameras', label: 'Security cameras' },
  { skill: 'networking', label: 'Networking' },
] as const;
