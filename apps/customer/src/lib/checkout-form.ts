/**
 * The checkout form's answers, kept for this tab (sessionStorage) when the customer goes on to pay,
 * so Back from the payment page finds them again. Forgotten once the order is paid.
 */
const KEY = 'h2s.checkout-form';
const SKIP = new Set(['items']);

export function rememberCheckoutForm(data: FormData): void {
  const values: Record<string, string> = {};
  for (const [name, value] of data) if (!SKIP.has(name) && typeof value === 'string') values[name] = value;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(values));
  } catch {
    // Private mode or full storage: Back then shows an empty form, as before.
  }
}

/** Fills the form's empty fields with the remembered answers. */
export function recallCheckoutForm(form: HTMLFormElement): void {
  let values: Record<string, unknown>;
  try {
    values = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Record<string, unknown>;
  } catch {
    return;
  }
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (typeof value !== 'string' || SKIP.has(name)) continue;
    if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement || field instanceof HTMLTextAreaElement) {
      if (!field.value) field.value = value;
    }
  }
}

export function forgetCheckoutForm(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}
