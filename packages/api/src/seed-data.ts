/** The demo catalog and people `pnpm db:seed` creates; tests use the same catalog. */
export const DEMO_BUNDLES = [
  {
    sku: 'tv-mount-standard',
    name: 'TV Mounting — up to 65"',
    description: 'Wall-mount one TV on drywall or wood studs, cables tidied along the wall.',
    priceCents: 14900,
    items: ['Low-profile tilting mount', 'Stud-finding and level install', 'Cable tidy kit', 'Mount and screen test'],
    equipment: ['Stud finder', 'Drill and bits', 'Tilting TV mount (32-65")', 'Cable raceway'],
    skills: ['wall-mount'],
    durationMinutes: 60,
  },
  {
    sku: 'tv-mount-premium',
    name: 'TV Mounting Premium — in-wall cables',
    description: 'Full-motion mount with power and HDMI run inside the wall, soundbar mounted below.',
    priceCents: 29900,
    items: ['Full-motion articulating mount', 'In-wall power kit', 'In-wall HDMI run', 'Soundbar bracket'],
    equipment: ['Stud finder', 'Drill and bits', 'Drywall saw', 'In-wall power kit', 'Fish tape', 'Full-motion mount'],
    skills: ['wall-mount', 'in-wall-wiring'],
    durationMinutes: 120,
  },
  {
    sku: 'smart-home-starter',
    name: 'Smart Home Starter',
    description: 'Smart thermostat, video doorbell and two smart plugs installed and set up in your app.',
    priceCents: 24900,
    items: ['Smart thermostat install', 'Video doorbell install', '2 smart plugs', 'App setup walkthrough'],
    equipment: ['Voltage tester', 'C-wire adapter', 'Doorbell chime kit', 'Screwdriver set'],
    skills: ['smart-home'],
    durationMinutes: 90,
  },
  {
    sku: 'security-camera-4',
    name: 'Security Cameras — 4 pack',
    description: 'Four outdoor Wi-Fi cameras mounted, aimed and connected, with motion zones set.',
    priceCents: 39900,
    items: ['4 outdoor camera mounts', 'Weatherproof cabling', 'Wi-Fi signal check', 'Motion zone setup'],
    equipment: ['Extension ladder', 'Drill and masonry bits', 'Weatherproof sealant', 'Wi-Fi analyzer'],
    skills: ['security-cameras'],
    durationMinutes: 150,
  },
  {
    sku: 'wifi-mesh',
    name: 'Whole-Home Wi-Fi Mesh',
    description: 'Three-node mesh network placed for coverage in every room, with speed test report.',
    priceCents: 17900,
    items: ['3-node mesh placement', 'Network setup', 'Coverage map and speed test'],
    equipment: ['Wi-Fi analyzer', 'Ethernet cables', 'Laptop'],
    skills: ['networking'],
    durationMinutes: 60,
  },
  {
    sku: 'tv-mount-xl-masonry',
    name: 'Big-Screen Mounting — 75" and up, brick or stone',
    description: 'A 75"+ TV on a masonry wall: two pros lift, level and anchor it, cables run in surface raceway.',
    priceCents: 39900,
    items: ['Heavy-duty full-motion mount', 'Masonry anchors and drilling', 'Two-person lift and level', 'Cable raceway'],
    equipment: ['Hammer drill and masonry bits', 'Sleeve anchors', 'Heavy-duty mount (75-100")', 'Cable raceway'],
    skills: ['wall-mount'],
    crewSize: 2,
  },
] as const;

export const DEMO_ADMIN = {
  email: process.env.SEED_ADMIN_EMAIL || 'admin@home2smart.dev',
  password: process.env.SEED_ADMIN_PASSWORD || 'dispatch-admin-dev',
  name: 'Dana Dispatch',
};

/** Demo pros in real cities; all share one development password. */
export const DEMO_PRO_PASSWORD = 'pro-password-dev';
export const DEMO_PROS = [
  {
    name: 'Marcus Rivera',
    email: 'marcus@pros.home2smart.dev',
    postalCode: '60601',
    serviceRadiusMiles: 40,
    skills: ['wall-mount', 'in-wall-wiring', 'smart-home', 'networking'],
  },
  {
    name: 'Priya Shah',
    email: 'priya@pros.home2smart.dev',
    postalCode: '60201',
    serviceRadiusMiles: 30,
    skills: ['smart-home', 'networking', 'security-cameras'],
  },
  {
    name: 'Luis Ortega',
    email: 'luis@pros.home2smart.dev',
    postalCode: '53202',
    serviceRadiusMiles: 100,
    skills: ['wall-mount', 'security-cameras', 'networking'],
  },
  {
    name: 'Jenna Park',
    email: 'jenna@pros.home2smart.dev',
    postalCode: '78701',
    serviceRadiusMiles: 50,
    skills: ['wall-mount', 'in-wall-wiring', 'smart-home'],
  },
  {
    name: 'Tom Becker',
    email: 'tom@pros.home2smart.dev',
    postalCode: '85004',
    serviceRadiusMiles: 60,
    skills: ['wall-mount', 'smart-home', 'security-cameras', 'networking'],
  },
] as const;

/** Demo customers whose paid orders become the seed's jobs. */
export const DEMO_ORDERS = [
  {
    customer: { name: 'Avery Johnson', email: 'avery@example.com', phone: '312-555-0142' },
    serviceAddress: { line1: '233 S Wacker Dr', city: 'Chicago', state: 'IL', postalCode: '60606' },
    items: [{ sku: 'tv-mount-standard', quantity: 1 }],
    notes: '65" Samsung over the fireplace; brick above mantel.',
    schedule: { window: '12pm - 3pm', inDays: 6 },
  },
  {
    customer: { name: 'Jordan Lee', email: 'jordan@example.com', phone: '847-555-0199' },
    serviceAddress: { line1: '1603 Orrington Ave', city: 'Evanston', state: 'IL', postalCode: '60201' },
    items: [
      { sku: 'smart-home-starter', quantity: 1 },
      { sku: 'wifi-mesh', quantity: 1 },
    ],
    notes: undefined,
    schedule: null,
  },
  {
    customer: { name: 'Sam Patel', email: 'sam@example.com', phone: '414-555-0123' },
    serviceAddress: { line1: '700 N Water St', city: 'Milwaukee', state: 'WI', postalCode: '53202' },
    items: [{ sku: 'security-camera-4', quantity: 1 }],
    notes: 'Two cameras on the garage, two at the front porch.',
    schedule: { window: '9am - 12pm', inDays: 1 },
  },
  {
    customer: { name: 'Riley Chen', email: 'riley@example.com', phone: '512-555-0177' },
    serviceAddress: { line1: '500 E Cesar Chavez St', city: 'Austin', state: 'TX', postalCode: '78701' },
    items: [{ sku: 'tv-mount-premium', quantity: 1 }],
    notes: 'Living room, 77" LG, soundbar included.',
    schedule: { window: '3pm - 6pm', inDays: 2 },
  },
] as const;
