/** The components both apps use. Formatters: `@h2s/ui/format`; server pieces: `@h2s/server/sveltekit`. */
export { default as Alert } from './components/Alert.svelte';
export { default as FieldError } from './components/FieldError.svelte';
export { default as Pill, type PillTone } from './components/Pill.svelte';
export { default as SkipLink } from './components/SkipLink.svelte';
export { default as TestModeBanner } from './components/TestModeBanner.svelte';
