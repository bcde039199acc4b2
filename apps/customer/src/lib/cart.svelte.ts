/**
 * The cart lives in the browser (localStorage) until checkout; prices always come from the catalog.
 * The server renders an empty, not-yet-loaded cart; `load()` runs once the page is interactive.
 */
export interface CartLine {
  sku: string;
  quantity: number;
}

const STORAGE_KEY = 'h2s.cart.v1';
/** The most the quantity picker offers; the API has the final word on limits. */
export const MAX_QUANTITY = 10;

function parse(raw: string | null): CartLine[] {
  try {
    const value: unknown = JSON.parse(raw ?? '[]');
    if (!Array.isArray(value)) return [];
    return value
      .filter((l): l is CartLine => typeof l?.sku === 'string' && Number.isInteger(l?.quantity) && l.quantity > 0)
      .map((l) => ({ sku: l.sku, quantity: Math.min(l.quantity, MAX_QUANTITY) }));
  } catch {
    return [];
  }
}

class Cart {
  lines = $state<CartLine[]>([]);
  /** False until the browser has read the stored cart; the server render is always "not loaded". */
  loaded = $state(false);
  count = $derived(this.lines.reduce((n, l) => n + l.quantity, 0));

  load() {
    if (this.loaded) return;
    this.lines = parse(localStorage.getItem(STORAGE_KEY));
    this.loaded = true;
    // Another tab changed the cart.
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY) this.lines = parse(event.newValue);
    });
  }

  quantityOf(sku: string) {
    return this.lines.find((l) => l.sku === sku)?.quantity ?? 0;
  }

  add(sku: string, quantity = 1) {
    const line = this.lines.find((l) => l.sku === sku);
    if (line) line.quantity = Math.min(line.quantity + quantity, MAX_QUANTITY);
    else this.lines.push({ sku, quantity: Math.min(quantity, MAX_QUANTITY) });
    this.save();
  }

  setQuantity(sku: string, quantity: number) {
    if (quantity <= 0) return this.remove(sku);
    const line = this.lines.find((l) => l.sku === sku);
    if (line) line.quantity = Math.min(quantity, MAX_QUANTITY);
    this.save();
  }

  remove(sku: string) {
    this.lines = this.lines.filter((l) => l.sku !== sku);
    this.save();
  }

  clear() {
    this.lines = [];
    this.save();
  }

  private save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.lines));
    } catch {
      // Private mode or a full quota: the cart still works for this page's lifetime.
    }
  }
}

export const cart = new Cart();
