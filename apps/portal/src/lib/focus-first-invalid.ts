import { tick } from 'svelte';
import type { SubmitFunction } from '@sveltejs/kit';

/**
 * A form's `use:enhance` that keeps what was typed, reports when it is busy, and after a refusal moves
 * the focus to the first field marked invalid (so a keyboard or screen-reader user lands on the error).
 */
export function focusFirstInvalid(setPending: (pending: boolean) => void): SubmitFunction {
  return ({ formElement }) => {
    setPending(true);
    return async ({ update, result }) => {
      await update({ reset: false });
      setPending(false);
      if (result.type === 'failure') {
        await tick();
        formElement.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      }
    };
  };
}
