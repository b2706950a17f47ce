// Demo catalog for the dev store: a Lyon (France) shop with one warehouse and three boutiques, ~56 products and
// ~265 variants, stock at every location and 30 customers; plus a second, connected store (Cologne, Germany) that
// sells part of the same catalog under the same SKUs, with the mess real merchants have in their SKUs.
// Deterministic: the output depends only on the options (seed, shop name, first id, now).

import {
  emptyQuantities,
  type Customer,
  type InventoryItem,
  type InventoryLevel,
  type Location,
  type Product,
  type Quantities,
  type Variant,
} from "../state/model";
import { createRandom, deriveSeed, type Random } from "./random";

export interface CatalogOptions {
  seed: number;
  shopName: string;
  /** First numeric id to hand out; ids are numeric strings, unique across all entity types of the shop. */
  startId: number;
  now: Date;
  /** Default (and maximum) 56: the size of the product table below. */
  productCount?: number;
}

export interface Catalog {
  locations: Location[];
  products: Product[];
  variants: Variant[];
  inventoryItems: InventoryItem[];
  levels: InventoryLevel[];
  customers: Customer[];
  nextId: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Data tables
// ---------------------------------------------------------------------------------------------------------------

type Category = "apparel" | "footwear" | "outdoor" | "home" | "beauty" | "accessories" | "gift-card";

interface OptionSpec {
  name: string;
  values: string[];
}

interface ProductSpec {
  /** The SKU stem: OS-<code>-<colour...>-<size>. */
  code: string;
  title: string;
  category: Category;
  productType: string;
  /** null: the shop's own label (options.shopName). */
  vendor: string | null;
  tags: string[];
  description: string;
  /** Euros. */
  price: number;
  /** Price by option value, when it differs from `price`. */
  prices?: Record<string, number>;
  /** Empty: a single "Default Title" variant. */
  options: OptionSpec[];
  /** Keep selling when out of stock (pre-orders, gift cards). */
  continueSelling?: boolean;
  status?: Product["status"];
}

interface VendorSpec {
  name: string;
  /** GS1 company prefix (7 digits) the vendor's EAN-13 barcodes start with. */
  gs1Prefix: string;
}

/** Third-party brands (fictional). The shop's own label uses HOUSE_GS1_PREFIX. */
const VENDORS: VendorSpec[] = [
  { name: "Atelier Saint-Georges", gs1Prefix: "3770123" },
  { name: "Nordvik Outdoor", gs1Prefix: "7090012" },
  { name: "Bergwerk Gear", gs1Prefix: "4068123" },
  { name: "Terre & Feu", gs1Prefix: "3760457" },
  { name: "Savonnerie des Pentes", gs1Prefix: "3770456" },
  { name: "Alma Calzado", gs1Prefix: "8437012" },
  { name: "Kobo Ceramics", gs1Prefix: "4573123" },
  { name: "Fonderie Rhodanienne", gs1Prefix: "3760789" },
];
const HOUSE_GS1_PREFIX = "3770012";

const SIZES_S_XL = ["S", "M", "L", "XL"];
const SIZES_XS_L = ["XS", "S", "M", "L"];
const WAIST = ["28", "30", "32", "34", "36"];
const euSizes = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `EU ${from + i}`);

/** SKU codes for option values; sizes and anything not listed are upper-cased with spaces and "EU " removed. */
const VALUE_CODES: Record<string, string> = {
  Black: "BLK", White: "WHT", Navy: "NVY", Olive: "OLV", Charcoal: "CHR", Oatmeal: "OAT", "Heather Grey": "HGR",
  Forest: "FOR", Sky: "SKY", Sand: "SND", Indigo: "IND", Yellow: "YLW", Grey: "GRY", Blue: "BLU", Khaki: "KHK",
  Mustard: "MUS", Rust: "RST", Brown: "BRN", "Grey/Lime": "GLM", Natural: "NAT", Ochre: "OCH", Sage: "SAG",
  Steel: "STL", Coral: "CRL", Slate: "SLT", Moss: "MOS", Terracotta: "TRC", Clay: "CLY", Cream: "CRM",
  Cobalt: "COB", Tan: "TAN", Tortoise: "TRT", Camel: "CML", Burgundy: "BUR", "Navy/Ecru": "NEC", "Red/Ecru": "REC",
  "Black/Silver": "BSV", "Tan/Gold": "TGD", Paisley: "PSL", Botanical: "BOT", Fig: "FIG", Cedar: "CDR",
  Lavender: "LAV", Amber: "AMB", Verbena: "VRB", Rose: "ROS", Neroli: "NRL", Unscented: "UNS", Mint: "MNT",
  Soft: "SFT", Medium: "MED", Citrus: "CIT", Rosemary: "RSM", Regular: "REG", Long: "LNG", Wide: "WDE",
  Hand: "HND", Bath: "BTH", Small: "SM", Large: "LG", "Olive oil": "OLV", Ecru: "ECR",
  "EU 36-37": "3637", "EU 38-39": "3839", "EU 40-41": "4041", "EU 42-43": "4243", "EU 44-45": "4445",
  "S (36-38)": "S", "M (39-42)": "M", "L (43-46)": "L", "€25": "25", "€50": "50", "€100": "100",
};

/** Option names whose codes go last in the SKU (OS-TEE-ORG-BLK-M: colour first, then size). */
const SIZE_OPTIONS = new Set(["Size", "Waist", "Length"]);

const PRODUCTS: ProductSpec[] = [
  // Apparel ------------------------------------------------------------------------------------------------------
  {
    code: "TEE-ORG", title: "Organic Cotton Tee", category: "apparel", productType: "T-Shirts", vendor: null,
    tags: ["apparel", "organic-cotton", "bestseller", "essentials"],
    description: "A mid-weight tee in GOTS-certified organic cotton, knitted and sewn in Portugal. Regular fit.",
    price: 29, options: [{ name: "Size", values: SIZES_S_XL }, { name: "Colour", values: ["Black", "White", "Navy", "Olive"] }],
  },
  {
    code: "SWT-MER", title: "Merino Crew Sweater", category: "apparel", productType: "Knitwear", vendor: "Atelier Saint-Georges",
    tags: ["apparel", "merino", "knitwear"],
    description: "Fine-gauge extra-fine merino, fully fashioned. Warm, light and easy to wash on a wool cycle.",
    price: 89, options: [{ name: "Size", values: SIZES_S_XL }, { name: "Colour", values: ["Charcoal", "Oatmeal"] }],
  },
  {
    code: "HOOD-HVY", title: "Heavyweight Hoodie", category: "apparel", productType: "Sweatshirts", vendor: null,
    tags: ["apparel", "organic-cotton", "fleece"],
    description: "480 g/m² brushed-back fleece hoodie with a double-layer hood and ribbed cuffs.",
    price: 69, options: [{ name: "Size", values: SIZES_S_XL }, { name: "Colour", values: ["Black", "Heather Grey", "Forest"] }],
  },
  {
    code: "SHRT-LIN", title: "Linen Button-Down Shirt", category: "apparel", productType: "Shirts", vendor: "Atelier Saint-Georges",
    tags: ["apparel", "linen", "summer"],
    description: "Washed French linen shirt with a button-down collar and mother-of-pearl buttons.",
    price: 59, options: [{ name: "Size", values: SIZES_S_XL }, { name: "Colour", values: ["White", "Sky", "Sand"] }],
  },
  {
    code: "JEAN-SLV", title: "Slim Selvedge Jeans", category: "apparel", productType: "Trousers", vendor: "Atelier Saint-Georges",
    tags: ["apparel", "denim"],
    description: "13.5 oz Japanese selvedge denim, slim tapered leg, button fly.",
    price: 95, options: [{ name: "Waist", values: WAIST }, { name: "Wash", values: ["Indigo", "Black"] }],
  },
  {
    code: "JKT-PUF", title: "Recycled Down Puffer Jacket", category: "apparel", productType: "Outerwear", vendor: "Nordvik Outdoor",
    tags: ["apparel", "outerwear", "winter", "recycled"],
    description: "700 fill-power recycled down, water-repellent shell and a two-way zip.",
    price: 189, options: [{ name: "Size", values: SIZES_S_XL }, { name: "Colour", values: ["Black", "Navy"] }],
  },
  {
    code: "TOP-BRT", title: "Breton Striped Top", category: "apparel", productType: "T-Shirts", vendor: null,
    tags: ["apparel", "organic-cotton", "classics"],
    description: "The marinière: heavy cotton jersey, boat neck, 21 stripes on the body.",
    price: 45, options: [{ name: "Size", values: SIZES_XS_L }, { name: "Colour", values: ["Navy/Ecru", "Red/Ecru"] }],
  },
  {
    code: "JKT-RAIN", title: "Rain Shell Jacket", category: "apparel", productType: "Outerwear", vendor: "Nordvik Outdoor",
    tags: ["apparel", "outerwear", "waterproof"],
    description: "2.5-layer waterproof-breathable shell with taped seams and a helmet-compatible hood.",
    price: 129, options: [{ name: "Size", values: SIZES_S_XL }, { name: "Colour", values: ["Yellow", "Navy"] }],
  },
  {
    code: "FLC-QZ", title: "Fleece Quarter-Zip", category: "apparel", productType: "Sweatshirts", vendor: "Nordvik Outdoor",
    tags: ["apparel", "fleece", "recycled"],
    description: "Grid fleece made from recycled bottles; breathable, quick-drying, made for layering.",
    price: 75, options: [{ name: "Size", values: SIZES_S_XL }, { name: "Colour", values: ["Grey", "Blue"] }],
  },
  {
    code: "SHO-CHN", title: "Chino Shorts", category: "apparel", productType: "Shorts", vendor: null,
    tags: ["apparel", "summer"],
    description: "Garment-dyed cotton twill shorts with an 18 cm inseam.",
    price: 49, options: [{ name: "Waist", values: WAIST }, { name: "Colour", values: ["Khaki", "Navy"] }],
  },
  {
    code: "LEG-EVD", title: "Everyday Leggings", category: "apparel", productType: "Activewear", vendor: null,
    tags: ["apparel", "activewear"],
    description: "High-rise leggings in a soft, squat-proof recycled nylon blend with a hidden pocket.",
    price: 39, options: [{ name: "Size", values: SIZES_XS_L }, { name: "Colour", values: ["Black"] }],
  },
  {
    code: "BNE-WOL", title: "Wool Beanie", category: "apparel", productType: "Hats", vendor: null,
    tags: ["apparel", "accessories", "winter"],
    description: "Ribbed lambswool beanie, knitted in Scotland. One size.",
    price: 25, options: [{ name: "Colour", values: ["Black", "Grey", "Mustard", "Rust"] }],
  },
  // Footwear -----------------------------------------------------------------------------------------------------
  {
    code: "SNK-CNV", title: "Canvas Low-Top Sneaker", category: "footwear", productType: "Sneakers", vendor: "Alma Calzado",
    tags: ["footwear", "bestseller", "vulcanised"],
    description: "Organic cotton canvas upper on a vulcanised natural rubber sole. True to size.",
    price: 79, options: [{ name: "Size", values: euSizes(36, 45) }, { name: "Colour", values: ["White", "Black"] }],
  },
  {
    code: "BOOT-CHL", title: "Leather Chelsea Boot", category: "footwear", productType: "Boots", vendor: "Alma Calzado",
    tags: ["footwear", "leather", "goodyear-welted"],
    description: "Vegetable-tanned suede, Goodyear-welted on a Dainite rubber sole. Resoleable.",
    price: 179, options: [{ name: "Size", values: euSizes(39, 45) }, { name: "Colour", values: ["Brown"] }],
  },
  {
    code: "SHOE-TRL", title: "Trail Running Shoe", category: "footwear", productType: "Running Shoes", vendor: "Bergwerk Gear",
    tags: ["footwear", "running", "outdoor"],
    description: "Grippy 5 mm lugs, rock plate and a breathable mesh upper for technical trails.",
    price: 129, options: [{ name: "Size", values: euSizes(38, 46) }, { name: "Colour", values: ["Grey/Lime"] }],
  },
  {
    code: "SLP-WOL", title: "Felted Wool Slippers", category: "footwear", productType: "Slippers", vendor: "Atelier Saint-Georges",
    tags: ["footwear", "wool", "home", "new-arrival"],
    description: "Boiled-wool slippers with a suede sole. Sized in pairs of EU sizes.",
    price: 45, status: "DRAFT",
    options: [{ name: "Size", values: ["EU 36-37", "EU 38-39", "EU 40-41", "EU 42-43", "EU 44-45"] }],
  },
  {
    code: "ESP-JUT", title: "Jute Espadrilles", category: "footwear", productType: "Espadrilles", vendor: "Alma Calzado",
    tags: ["footwear", "summer", "handmade"],
    description: "Hand-stitched in La Rioja: cotton canvas upper on a braided jute sole.",
    price: 35, options: [{ name: "Size", values: euSizes(36, 44) }, { name: "Colour", values: ["Navy", "Natural"] }],
  },
  // Outdoor gear -------------------------------------------------------------------------------------------------
  {
    code: "TNT-UL2", title: "Ultralight 2-Person Tent", category: "outdoor", productType: "Tents", vendor: "Nordvik Outdoor",
    tags: ["outdoor", "camping", "pre-order"], continueSelling: true,
    description: "Freestanding double-wall tent, 1.4 kg packed, two doors and two vestibules.",
    price: 349, options: [],
  },
  {
    code: "SLB-DWN", title: "Down Sleeping Bag -5°C", category: "outdoor", productType: "Sleeping Bags", vendor: "Nordvik Outdoor",
    tags: ["outdoor", "camping", "down"],
    description: "Mummy bag with responsibly sourced down; comfort 0 °C, limit -5 °C.",
    price: 279, prices: { Long: 299 }, options: [{ name: "Length", values: ["Regular", "Long"] }],
  },
  {
    code: "POLE-TRK", title: "Carbon Trekking Poles (pair)", category: "outdoor", productType: "Hiking Accessories", vendor: "Bergwerk Gear",
    tags: ["outdoor", "hiking"],
    description: "Three-section carbon poles with flick locks and cork grips, 105-135 cm.",
    price: 89, options: [],
  },
  {
    code: "BAG-DP30", title: "30 L Daypack", category: "outdoor", productType: "Backpacks", vendor: "Bergwerk Gear",
    tags: ["outdoor", "hiking", "bags"],
    description: "Ventilated back panel, hip-belt pockets and an integrated rain cover.",
    price: 85, options: [{ name: "Colour", values: ["Black", "Ochre", "Sage"] }],
  },
  {
    code: "BTL-INS", title: "Insulated Water Bottle 750 ml", category: "outdoor", productType: "Bottles", vendor: "Bergwerk Gear",
    tags: ["outdoor", "bestseller", "kitchen"],
    description: "Double-wall stainless steel: cold for 24 hours, hot for 12. Leak-proof lid.",
    price: 32, options: [{ name: "Colour", values: ["Steel", "Black", "Sage", "Coral"] }],
  },
  {
    code: "LMP-400", title: "Rechargeable Headlamp 400 lm", category: "outdoor", productType: "Lighting", vendor: "Bergwerk Gear",
    tags: ["outdoor", "camping", "hiking"],
    description: "USB-C rechargeable, red night mode, IPX4. 80 g with the battery.",
    price: 49, options: [],
  },
  {
    code: "STV-CMP", title: "Compact Camping Stove", category: "outdoor", productType: "Camp Kitchen", vendor: "Nordvik Outdoor",
    tags: ["outdoor", "camping"],
    description: "Screw-on canister stove with piezo ignition; boils a litre in 3.5 minutes.",
    price: 59, options: [],
  },
  {
    code: "SCK-MER", title: "Merino Hiking Socks", category: "outdoor", productType: "Socks", vendor: "Bergwerk Gear",
    tags: ["outdoor", "hiking", "merino"],
    description: "Cushioned merino-rich socks with a reinforced heel and toe.",
    price: 19,
    options: [{ name: "Size", values: ["S (36-38)", "M (39-42)", "L (43-46)"] }, { name: "Colour", values: ["Grey", "Olive"] }],
  },
  {
    code: "PON-RN", title: "Packable Rain Poncho", category: "outdoor", productType: "Outerwear", vendor: "Nordvik Outdoor",
    tags: ["outdoor", "waterproof"],
    description: "Covers you and your pack; folds into its own pocket.",
    price: 35, options: [],
  },
  {
    code: "MAT-INF", title: "Inflatable Sleeping Mat", category: "outdoor", productType: "Sleeping Mats", vendor: "Nordvik Outdoor",
    tags: ["outdoor", "camping"],
    description: "7 cm thick, R-value 4.2, with a pump sack that doubles as a dry bag.",
    price: 89, prices: { Wide: 109 }, options: [{ name: "Width", values: ["Regular", "Wide"] }],
  },
  // Home & kitchen -----------------------------------------------------------------------------------------------
  {
    code: "MUG-STO", title: "Stoneware Mug 350 ml", category: "home", productType: "Mugs", vendor: "Kobo Ceramics",
    tags: ["home", "kitchen", "ceramics", "bestseller"],
    description: "Wheel-thrown stoneware with a reactive glaze; every mug is slightly different.",
    price: 18, options: [{ name: "Colour", values: ["Sand", "Slate", "Moss", "Terracotta"] }],
  },
  {
    code: "SKL-CI", title: "Cast Iron Skillet", category: "home", productType: "Cookware", vendor: "Fonderie Rhodanienne",
    tags: ["home", "kitchen", "cookware"],
    description: "Pre-seasoned cast iron, cast in the Rhône valley. Works on induction.",
    price: 39, prices: { "26 cm": 55, "30 cm": 69 }, options: [{ name: "Size", values: ["20 cm", "26 cm", "30 cm"] }],
  },
  {
    code: "FRP-1L", title: "French Press 1 L", category: "home", productType: "Coffee", vendor: "Terre & Feu",
    tags: ["home", "kitchen", "coffee"],
    description: "Borosilicate glass in a brushed steel frame with a four-layer filter.",
    price: 35, options: [],
  },
  {
    code: "TWL-TEA", title: "Linen Tea Towels (set of 2)", category: "home", productType: "Kitchen Textiles", vendor: "Terre & Feu",
    tags: ["home", "kitchen", "linen"],
    description: "Stonewashed linen, highly absorbent, with a hanging loop.",
    price: 22, options: [{ name: "Colour", values: ["Natural", "Sage", "Rust"] }],
  },
  {
    code: "BRD-OLV", title: "Olive Wood Cutting Board", category: "home", productType: "Kitchen Tools", vendor: "Terre & Feu",
    tags: ["home", "kitchen"],
    description: "Cut from a single piece of olive wood; oil occasionally.",
    price: 29, prices: { Large: 45 }, options: [{ name: "Size", values: ["Small", "Large"] }],
  },
  {
    code: "DRP-CER", title: "Ceramic Pour-Over Dripper", category: "home", productType: "Coffee", vendor: "Kobo Ceramics",
    tags: ["home", "coffee", "ceramics"],
    description: "Porcelain cone for size 02 filters, with spiral ribs for an even flow.",
    price: 28, options: [{ name: "Colour", values: ["White", "Black"] }],
  },
  {
    code: "KNF-CHF", title: "Chef's Knife 20 cm", category: "home", productType: "Kitchen Tools", vendor: "Fonderie Rhodanienne",
    tags: ["home", "kitchen", "knives"],
    description: "Forged X50CrMoV15 steel, full tang, beech handle. Hand wash only.",
    price: 119, options: [],
  },
  {
    code: "CND-SOY", title: "Soy Wax Candle", category: "home", productType: "Candles", vendor: "Savonnerie des Pentes",
    tags: ["home", "candles", "gift"],
    description: "Hand-poured in a reusable amber jar; about 45 hours of burn time.",
    price: 32, options: [{ name: "Scent", values: ["Fig", "Cedar", "Lavender", "Amber"] }],
  },
  {
    code: "TWL-WFL", title: "Waffle Towel", category: "home", productType: "Bath Textiles", vendor: "Terre & Feu",
    tags: ["home", "bath", "organic-cotton"],
    description: "Quick-drying organic cotton waffle weave that gets softer with every wash.",
    price: 15, prices: { Bath: 35 },
    options: [{ name: "Size", values: ["Hand", "Bath"] }, { name: "Colour", values: ["White", "Sage", "Clay"] }],
  },
  {
    code: "JAR-GLS", title: "Glass Storage Jars (set of 3)", category: "home", productType: "Storage", vendor: "Terre & Feu",
    tags: ["home", "kitchen", "storage"],
    description: "0.5, 1 and 1.5 L jars with airtight oak lids.",
    price: 39, options: [],
  },
  {
    code: "DTO-ENM", title: "Enamelled Dutch Oven 4.5 L", category: "home", productType: "Cookware", vendor: "Fonderie Rhodanienne",
    tags: ["home", "kitchen", "cookware", "pre-order"], continueSelling: true,
    description: "Enamelled cast iron casserole, 24 cm, oven-safe to 250 °C.",
    price: 149, options: [{ name: "Colour", values: ["Cream", "Cobalt"] }],
  },
  // Beauty -------------------------------------------------------------------------------------------------------
  {
    code: "CRM-FCE", title: "Hydrating Face Cream 50 ml", category: "beauty", productType: "Skincare", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "skincare", "vegan"],
    description: "Light daily moisturiser with hyaluronic acid and squalane. Fragrance-free.",
    price: 34, options: [],
  },
  {
    code: "SOAP-MRS", title: "Savon de Marseille Bar Soap", category: "beauty", productType: "Soap", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "bath", "bestseller", "plastic-free"],
    description: "Cauldron-made with 72% vegetable oils; 100 g.",
    price: 7.5, options: [{ name: "Scent", values: ["Olive oil", "Lavender", "Verbena"] }],
  },
  {
    code: "CRM-HND", title: "Hand Cream 75 ml", category: "beauty", productType: "Skincare", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "skincare", "bestseller"],
    description: "Shea butter and sweet almond oil; absorbs fast, no greasy feel.",
    price: 14, options: [{ name: "Scent", values: ["Verbena", "Rose", "Neroli"] }],
  },
  {
    code: "OIL-ARG", title: "Argan Hair Oil 100 ml", category: "beauty", productType: "Haircare", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "haircare"],
    description: "Cold-pressed organic argan oil for dry ends and frizz.",
    price: 26, options: [],
  },
  {
    code: "SPF-50", title: "Mineral Sunscreen SPF 50", category: "beauty", productType: "Suncare", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "suncare", "summer"],
    description: "Zinc oxide, reef-friendly, no white cast once rubbed in.",
    price: 19, prices: { "100 ml": 29 }, options: [{ name: "Size", values: ["50 ml", "100 ml"] }],
  },
  {
    code: "LIP-BLM", title: "Lip Balm", category: "beauty", productType: "Skincare", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "skincare", "plastic-free"],
    description: "Beeswax and calendula in a compostable cardboard tube.",
    price: 6.5, options: [{ name: "Flavour", values: ["Unscented", "Mint", "Rose"] }],
  },
  {
    code: "TBR-BAM", title: "Bamboo Toothbrushes (set of 4)", category: "beauty", productType: "Oral Care", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "plastic-free"],
    description: "Compostable bamboo handles with castor-oil bristles.",
    price: 12, options: [{ name: "Bristles", values: ["Soft", "Medium"] }],
  },
  {
    code: "SHP-BAR", title: "Solid Shampoo Bar", category: "beauty", productType: "Haircare", vendor: "Savonnerie des Pentes",
    tags: ["beauty", "haircare", "plastic-free"],
    description: "Lasts as long as two bottles of liquid shampoo; for all hair types.",
    price: 12, options: [{ name: "Scent", values: ["Citrus", "Rosemary"] }],
  },
  // Accessories --------------------------------------------------------------------------------------------------
  {
    code: "CRD-LTH", title: "Leather Card Holder", category: "accessories", productType: "Small Leather Goods", vendor: "Atelier Saint-Georges",
    tags: ["accessories", "leather", "gift"],
    description: "Four card slots and a centre pocket, saddle-stitched by hand.",
    price: 39, options: [{ name: "Colour", values: ["Black", "Tan", "Navy"] }],
  },
  {
    code: "TOTE-CNV", title: "Canvas Tote Bag", category: "accessories", productType: "Bags", vendor: null,
    tags: ["accessories", "bags", "organic-cotton"],
    description: "Heavy 16 oz canvas tote with an inside pocket and leather handles.",
    price: 24, options: [{ name: "Colour", values: ["Natural", "Black"] }],
  },
  {
    code: "SUN-POL", title: "Polarised Sunglasses", category: "accessories", productType: "Eyewear", vendor: "Atelier Saint-Georges",
    tags: ["accessories", "summer", "eyewear"],
    description: "Acetate frames, polarised category 3 lenses, 100% UV protection.",
    price: 119, options: [{ name: "Colour", values: ["Black", "Tortoise"] }],
  },
  {
    code: "BLT-LTH", title: "Leather Belt", category: "accessories", productType: "Belts", vendor: "Atelier Saint-Georges",
    tags: ["accessories", "leather"],
    description: "3.5 cm full-grain leather with a solid brass buckle.",
    price: 59, options: [{ name: "Length", values: ["85 cm", "90 cm", "95 cm", "100 cm", "105 cm"] }, { name: "Colour", values: ["Black", "Brown"] }],
  },
  {
    code: "SCF-SLK", title: "Silk Scarf", category: "accessories", productType: "Scarves", vendor: "Atelier Saint-Georges",
    tags: ["accessories", "silk", "made-in-lyon", "gift"],
    description: "Printed and hand-rolled in Lyon on 14 momme silk twill, 90 × 90 cm.",
    price: 89, options: [{ name: "Pattern", values: ["Paisley", "Botanical"] }],
  },
  {
    code: "WCH-MIN", title: "Minimalist Watch", category: "accessories", productType: "Watches", vendor: "Atelier Saint-Georges",
    tags: ["accessories", "watches", "gift"],
    description: "38 mm case, sapphire crystal, Japanese quartz movement, leather strap.",
    price: 159, options: [{ name: "Colour", values: ["Black/Silver", "Tan/Gold"] }],
  },
  {
    code: "SCF-WOL", title: "Lambswool Scarf", category: "accessories", productType: "Scarves", vendor: null,
    tags: ["accessories", "winter", "wool"],
    description: "Brushed lambswool scarf, 180 × 30 cm, with fringed ends.",
    price: 55, options: [{ name: "Colour", values: ["Grey", "Camel", "Burgundy"] }],
  },
  {
    code: "HAT-BKT", title: "Waxed Cotton Bucket Hat", category: "accessories", productType: "Hats", vendor: null,
    tags: ["accessories", "summer", "waterproof"],
    description: "Showerproof waxed cotton with a checked cotton lining. Two sizes.",
    price: 35, options: [{ name: "Size", values: ["S/M", "L/XL"] }, { name: "Colour", values: ["Olive", "Navy"] }],
  },
  {
    code: "BAG-DFL", title: "Weekend Duffel Bag", category: "accessories", productType: "Bags", vendor: "Atelier Saint-Georges",
    tags: ["accessories", "bags", "travel"],
    description: "Waxed canvas and leather, 40 L, fits airline cabin limits.",
    price: 149, options: [{ name: "Colour", values: ["Olive", "Navy"] }],
  },
  // Gift cards (not tracked, not shipped) ------------------------------------------------------------------------
  {
    code: "GIFT", title: "Gift Card", category: "gift-card", productType: "Gift Card", vendor: null,
    tags: ["gift-card"], continueSelling: true,
    description: "Sent by email, valid for a year in our boutiques and online.",
    price: 25, prices: { "€50": 50, "€100": 100 }, options: [{ name: "Denomination", values: ["€25", "€50", "€100"] }],
  },
];

interface LocationSpec {
  name: string;
  kind: Location["kind"];
  address: Location["address"];
  fulfillsOnlineOrders: boolean;
  localPickup: Location["localPickup"];
  openingHours: Location["openingHours"];
}

/** Lyon: the warehouse in Gerland, boutiques on the Presqu'île, at Part-Dieu and up on the Croix-Rousse hill. */
const LYON_LOCATIONS: LocationSpec[] = [
  {
    name: "Entrepôt Gerland",
    kind: "warehouse",
    address: {
      address1: "190 Rue de Gerland", address2: "Bâtiment B, quai 4", city: "Lyon", province: null, provinceCode: null,
      zip: "69007", country: "France", countryCode: "FR", phone: "+33 4 65 71 20 10", latitude: 45.7331, longitude: 4.8338,
    },
    fulfillsOnlineOrders: true,
    localPickup: null,
    openingHours: null,
  },
  {
    name: "Boutique Presqu'île",
    kind: "retail",
    address: {
      address1: "58 Rue de la République", address2: null, city: "Lyon", province: null, provinceCode: null,
      zip: "69002", country: "France", countryCode: "FR", phone: "+33 4 65 71 20 21", latitude: 45.7619, longitude: 4.8357,
    },
    fulfillsOnlineOrders: true,
    localPickup: { instructions: "Collect your order at the till on the ground floor. Bring your order number and an ID.", readyWithinHours: 2 },
    openingHours: { mon: "10:00-19:00", tue: "10:00-19:00", wed: "10:00-19:00", thu: "10:00-19:00", fri: "10:00-19:30", sat: "10:00-19:30", sun: null },
  },
  {
    name: "Boutique Part-Dieu",
    kind: "retail",
    address: {
      address1: "17 Rue du Docteur Bouchut", address2: "Westfield La Part-Dieu, niveau 1", city: "Lyon", province: null, provinceCode: null,
      zip: "69003", country: "France", countryCode: "FR", phone: "+33 4 65 71 20 32", latitude: 45.7609, longitude: 4.8556,
    },
    fulfillsOnlineOrders: true,
    localPickup: { instructions: "Pick-up desk at the back of the shop, next to the fitting rooms. Show the pick-up email.", readyWithinHours: 4 },
    openingHours: { mon: "10:00-20:00", tue: "10:00-20:00", wed: "10:00-20:00", thu: "10:00-20:00", fri: "10:00-20:00", sat: "10:00-20:00", sun: "11:00-19:00" },
  },
  {
    name: "Boutique Croix-Rousse",
    kind: "retail",
    address: {
      address1: "42 Grande Rue de la Croix-Rousse", address2: null, city: "Lyon", province: null, provinceCode: null,
      zip: "69004", country: "France", countryCode: "FR", phone: "+33 4 65 71 20 43", latitude: 45.7767, longitude: 4.8297,
    },
    // A small shop: no pick-up counter and no ship-from-store.
    fulfillsOnlineOrders: false,
    localPickup: null,
    openingHours: { mon: null, tue: "10:30-19:00", wed: "10:30-19:00", thu: "10:30-19:00", fri: "10:30-19:00", sat: "10:00-19:00", sun: "10:00-13:00" },
  },
];

/** The connected store's only location: a third-party logistics warehouse in Cologne. */
const COLOGNE_WAREHOUSE: LocationSpec = {
  name: "Lager Köln-Ehrenfeld",
  kind: "warehouse",
  address: {
    address1: "Vogelsanger Straße 321", address2: "Halle 3", city: "Köln", province: "Nordrhein-Westfalen", provinceCode: "NW",
    zip: "50827", country: "Germany", countryCode: "DE", phone: "+49 221 4711 0815", latitude: 50.9493, longitude: 6.8992,
  },
  fulfillsOnlineOrders: true,
  localPickup: null,
  openingHours: null,
};

interface CustomerSpec {
  firstName: string;
  lastName: string;
  /** Local part of the email address (ASCII). */
  emailName: string;
  locale: string;
}

const CUSTOMERS: CustomerSpec[] = [
  { firstName: "Camille", lastName: "Martin", emailName: "camille.martin", locale: "fr" },
  { firstName: "Lucas", lastName: "Bernard", emailName: "lucas.bernard", locale: "fr" },
  { firstName: "Chloé", lastName: "Dubois", emailName: "chloe.dubois", locale: "fr" },
  { firstName: "Hugo", lastName: "Lefèvre", emailName: "hugo.lefevre", locale: "fr" },
  { firstName: "Manon", lastName: "Girard", emailName: "manon.girard", locale: "fr" },
  { firstName: "Théo", lastName: "Moreau", emailName: "theo.moreau", locale: "fr" },
  { firstName: "Léa", lastName: "Fontaine", emailName: "lea.fontaine", locale: "fr" },
  { firstName: "Julien", lastName: "Roux", emailName: "julien.roux", locale: "fr" },
  { firstName: "Inès", lastName: "Mercier", emailName: "ines.mercier", locale: "fr" },
  { firstName: "Antoine", lastName: "Chevalier", emailName: "antoine.chevalier", locale: "fr" },
  { firstName: "Olivia", lastName: "Bennett", emailName: "olivia.bennett", locale: "en" },
  { firstName: "James", lastName: "Whitaker", emailName: "james.whitaker", locale: "en" },
  { firstName: "Emily", lastName: "Clarke", emailName: "emily.clarke", locale: "en" },
  { firstName: "Noah", lastName: "Patel", emailName: "noah.patel", locale: "en" },
  { firstName: "Grace", lastName: "Thompson", emailName: "grace.thompson", locale: "en" },
  { firstName: "Liam", lastName: "O'Connor", emailName: "liam.oconnor", locale: "en" },
  { firstName: "Lena", lastName: "Schneider", emailName: "lena.schneider", locale: "de" },
  { firstName: "Jonas", lastName: "Weber", emailName: "jonas.weber", locale: "de" },
  { firstName: "Sophie", lastName: "Wagner", emailName: "sophie.wagner", locale: "de" },
  { firstName: "Felix", lastName: "Hoffmann", emailName: "felix.hoffmann", locale: "de" },
  { firstName: "Lucía", lastName: "García", emailName: "lucia.garcia", locale: "es" },
  { firstName: "Pablo", lastName: "Fernández", emailName: "pablo.fernandez", locale: "es" },
  { firstName: "Marta", lastName: "Ruiz", emailName: "marta.ruiz", locale: "es" },
  { firstName: "由紀", lastName: "田中", emailName: "yuki.tanaka", locale: "ja" },
  { firstName: "健太", lastName: "佐藤", emailName: "kenta.sato", locale: "ja" },
  { firstName: "芳", lastName: "王", emailName: "fang.wang", locale: "zh-CN" },
  { firstName: "伟", lastName: "李", emailName: "wei.li", locale: "zh-CN" },
  { firstName: "静", lastName: "陈", emailName: "jing.chen", locale: "zh-CN" },
  { firstName: "Анна", lastName: "Смирнова", emailName: "anna.smirnova", locale: "ru" },
  { firstName: "Дмитрий", lastName: "Иванов", emailName: "dmitry.ivanov", locale: "ru" },
];

const EMAIL_DOMAINS = ["example.com", "example.org", "example.net"] as const;

/**
 * Phone numbers from ranges reserved for fiction: ARCEP 06 39 98 xx xx (France), Ofcom 07700 900xxx (UK),
 * Bundesnetzagentur 030 23125 xxx (Germany). Locales without such a range get a French mobile (they live here).
 */
function fictionalPhone(locale: string, r: Random): string {
  const two = () => String(r.int(0, 99)).padStart(2, "0");
  if (locale === "en") return `+44 7700 900${String(r.int(0, 999)).padStart(3, "0")}`;
  if (locale === "de") return `+49 30 23125 ${String(r.int(0, 999)).padStart(3, "0")}`;
  return `+33 6 39 98 ${two()} ${two()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export function slugify(title: string): string {
  return title
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The EAN-13 check digit for 12 digits: weights 1, 3, 1, 3, ... from the left. */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

function ean13(prefix7: string, itemReference: number): string {
  const first12 = prefix7 + String(itemReference % 100_000).padStart(5, "0");
  return first12 + String(ean13CheckDigit(first12));
}

const money = (euros: number) => euros.toFixed(2);

function valueCode(value: string): string {
  return VALUE_CODES[value] ?? value.replace(/^EU /, "").replace(/[^A-Za-z0-9]/g, "").toUpperCase();
}

function cartesian(options: OptionSpec[]): string[][] {
  let combos: string[][] = [[]];
  for (const option of options) combos = combos.flatMap((combo) => option.values.map((value) => [...combo, value]));
  return combos;
}

function skuFor(spec: ProductSpec, combo: string[]): string {
  const nonSize: string[] = [];
  const size: string[] = [];
  spec.options.forEach((option, i) => (SIZE_OPTIONS.has(option.name) ? size : nonSize).push(valueCode(combo[i]!)));
  return ["OS", spec.code, ...nonSize, ...size].join("-");
}

/** Hands out the shop's numeric ids. */
class IdSequence {
  constructor(private next: number) {}
  take(): string {
    return String(this.next++);
  }
  get value(): number {
    return this.next;
  }
}

/** Issues unique barcodes per GS1 prefix, starting at a random item reference. */
class BarcodeIssuer {
  private readonly counters = new Map<string, number>();
  constructor(private readonly r: Random) {}
  issue(prefix7: string): string {
    const current = this.counters.get(prefix7) ?? this.r.int(100, 60_000);
    this.counters.set(prefix7, current + 1);
    return ean13(prefix7, current);
  }
}

type Tier = "fast" | "steady" | "slow";

function tierOf(product: Product, price: number): Tier {
  if (product.tags.includes("bestseller")) return "fast";
  if (price >= 140) return "slow";
  return "steady";
}

function makeLocation(spec: LocationSpec, id: string, createdMs: number, updatedMs: number): Location {
  return {
    id,
    name: spec.name,
    kind: spec.kind,
    address: { ...spec.address },
    isActive: true,
    fulfillsOnlineOrders: spec.fulfillsOnlineOrders,
    localPickup: spec.localPickup ? { ...spec.localPickup } : null,
    openingHours: spec.openingHours ? { ...spec.openingHours } : null,
    createdAt: iso(createdMs),
    updatedAt: iso(updatedMs),
  };
}

/**
 * Stock for one (item, location): warehouse holds most of it, boutiques a few units. About 15% of pairs are at 0,
 * some scarce (1-3); committed, reserved, incoming and damaged now and then; safety stock only in boutiques.
 */
function stockFor(r: Random, kind: Location["kind"], tier: Tier, sizeWeight: number): Quantities {
  const q = emptyQuantities();
  const roll = r.next();
  if (roll < 0.15) {
    // Sold out; often already on order.
    if (r.chance(kind === "warehouse" ? 0.6 : 0.3)) q.incoming = kind === "warehouse" ? r.int(2, 10) * 12 : r.int(2, 6);
    return q;
  }
  if (kind === "warehouse") {
    if (roll < 0.24) q.available = r.int(1, 3);
    else {
      const [min, max] = tier === "fast" ? [80, 360] : tier === "steady" ? [12, 110] : [3, 24];
      q.available = Math.max(4, Math.round(r.int(min, max) * sizeWeight));
    }
    if (r.chance(0.25)) q.committed = r.int(1, tier === "fast" ? 9 : 4);
    if (r.chance(0.05)) q.reserved = r.int(1, 2);
    if (r.chance(0.12)) q.incoming = r.int(1, 12) * 12;
    if (r.chance(0.04)) q.damaged = r.int(1, 2);
    if (r.chance(0.03)) q.quality_control = r.int(1, 4);
  } else {
    if (roll < 0.3 || tier === "slow") q.available = r.int(1, 3);
    else q.available = Math.max(2, Math.round(r.int(tier === "fast" ? 6 : 3, tier === "fast" ? 18 : 9) * sizeWeight));
    if (r.chance(0.06)) q.committed = 1;
    if (r.chance(0.04)) q.reserved = 1;
    if (r.chance(0.08)) q.incoming = r.int(2, 8);
    if (r.chance(0.02)) q.damaged = 1;
    if (r.chance(0.2)) q.safety_stock = r.int(1, 2);
  }
  return q;
}

/** Middle sizes sell (and are stocked) more than the extremes. */
function sizeWeightOf(options: string[], selected: string[], product: Product, variants: Variant[]): number {
  let weight = 1;
  options.forEach((name, i) => {
    if (!SIZE_OPTIONS.has(name)) return;
    const values = [...new Set(variants.filter((v) => v.productId === product.id).map((v) => v.selectedOptions[i]!))];
    const position = values.indexOf(selected[i]!);
    if (values.length < 3 || position < 0) return;
    const centre = (values.length - 1) / 2;
    weight *= 1.3 - (0.7 * Math.abs(position - centre)) / Math.max(centre, 1);
  });
  return weight;
}

function levelsFor(
  r: Random,
  locations: Location[],
  products: Product[],
  variants: Variant[],
  items: InventoryItem[],
  nowMs: number,
): InventoryLevel[] {
  const productById = new Map(products.map((p) => [p.id, p]));
  const variantById = new Map(variants.map((v) => [v.id, v]));
  const levels: InventoryLevel[] = [];
  for (const item of items) {
    if (!item.tracked) continue;
    const variant = variantById.get(item.variantId)!;
    const product = productById.get(variant.productId)!;
    const tier = tierOf(product, Number(variant.price));
    const sizeWeight = sizeWeightOf(product.options, variant.selectedOptions, product, variants);
    for (const location of locations) {
      levels.push({
        inventoryItemId: item.id,
        locationId: location.id,
        quantities: stockFor(r, location.kind, tier, sizeWeight),
        updatedAt: iso(nowMs - r.int(10, 72 * 60) * 60_000),
      });
    }
  }
  return levels;
}

// ---------------------------------------------------------------------------------------------------------------
// Home store
// ---------------------------------------------------------------------------------------------------------------

export function generateCatalog(options: CatalogOptions): Catalog {
  const nowMs = options.now.getTime();
  const ids = new IdSequence(options.startId);
  const r = createRandom(deriveSeed(options.seed, "catalog"));
  const barcodes = new BarcodeIssuer(createRandom(deriveSeed(options.seed, "barcodes")));

  const openedMs = nowMs - r.int(700, 900) * DAY_MS;
  const locations = LYON_LOCATIONS.map((spec) =>
    makeLocation(spec, ids.take(), openedMs + r.int(0, 30) * DAY_MS, nowMs - r.int(5, 60) * DAY_MS),
  );

  const products: Product[] = [];
  const variants: Variant[] = [];
  const inventoryItems: InventoryItem[] = [];
  const count = Math.max(0, Math.min(options.productCount ?? PRODUCTS.length, PRODUCTS.length));
  const onSale = new Set(
    r
      .shuffle(PRODUCTS.slice(0, count).filter((p) => p.category !== "gift-card" && !p.tags.includes("bestseller")))
      .slice(0, 7)
      .map((p) => p.code),
  );

  for (const spec of PRODUCTS.slice(0, count)) {
    const createdMs = nowMs - r.int(100, 540) * DAY_MS - r.int(0, 86_399) * 1000;
    const updatedMs = Math.min(nowMs, createdMs + r.int(1, 90) * DAY_MS);
    const vendor = spec.vendor ?? options.shopName;
    const gs1Prefix = VENDORS.find((v) => v.name === spec.vendor)?.gs1Prefix ?? HOUSE_GS1_PREFIX;
    const giftCard = spec.category === "gift-card";
    const product: Product = {
      id: ids.take(),
      title: spec.title,
      handle: slugify(spec.title),
      productType: spec.productType,
      vendor,
      descriptionHtml: `<p>${escapeHtml(spec.description)}</p>`,
      tags: [...spec.tags].sort(),
      status: spec.status ?? "ACTIVE",
      options: spec.options.length > 0 ? spec.options.map((o) => o.name) : ["Title"],
      imageUrl: null,
      createdAt: iso(createdMs),
      updatedAt: iso(updatedMs),
    };
    products.push(product);

    const combos = spec.options.length > 0 ? cartesian(spec.options) : [["Default Title"]];
    const discount = onSale.has(spec.code) ? r.pick([0.7, 0.75, 0.8]) : 1;
    const costRatio = spec.vendor === null ? 0.36 : 0.52;
    combos.forEach((combo, index) => {
      const basePrice = combo.reduce((price, value) => spec.prices?.[value] ?? price, spec.price);
      const price = discount < 1 ? Math.round(basePrice * discount) : basePrice;
      const variantId = ids.take();
      const itemId = ids.take();
      const sku = spec.options.length > 0 ? skuFor(spec, combo) : `OS-${spec.code}`;
      variants.push({
        id: variantId,
        productId: product.id,
        title: combo.join(" / "),
        sku,
        barcode: barcodes.issue(gs1Prefix),
        price: money(price),
        compareAtPrice: discount < 1 ? money(basePrice) : null,
        selectedOptions: combo,
        inventoryPolicy: spec.continueSelling ? "CONTINUE" : "DENY",
        inventoryItemId: itemId,
        position: index + 1,
        createdAt: product.createdAt,
        updatedAt: product.updatedAt,
      });
      inventoryItems.push({
        id: itemId,
        variantId,
        sku,
        tracked: !giftCard,
        requiresShipping: !giftCard,
        unitCost: giftCard ? null : money(Math.round(basePrice * costRatio * (0.9 + 0.2 * r.next()) * 100) / 100),
        createdAt: product.createdAt,
        updatedAt: product.updatedAt,
      });
    });
  }

  const levels = levelsFor(createRandom(deriveSeed(options.seed, "stock")), locations, products, variants, inventoryItems, nowMs);

  const cr = createRandom(deriveSeed(options.seed, "customers"));
  const customers: Customer[] = CUSTOMERS.map((spec, i) => ({
    id: ids.take(),
    firstName: spec.firstName,
    lastName: spec.lastName,
    email: `${spec.emailName}@${EMAIL_DOMAINS[i % EMAIL_DOMAINS.length]}`,
    phone: cr.chance(0.65) ? fictionalPhone(spec.locale, cr) : null,
    locale: spec.locale,
    password: `shopper-${i + 1}`,
    createdAt: iso(nowMs - cr.int(2, 700) * DAY_MS - cr.int(0, 86_399) * 1000),
  }));

  return { locations, products, variants, inventoryItems, levels, customers, nextId: ids.value };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// ---------------------------------------------------------------------------------------------------------------
// Connected store
// ---------------------------------------------------------------------------------------------------------------

/** The connected store's own GS1 prefix, for the multipacks and the bundle it assembles itself. */
const CONNECTED_GS1_PREFIX = "4262345";

/** Multipacks the connected store sells, by the home SKU stem (fallback: the first small products). */
const MULTIPACKS: { code: string; packSize: number }[] = [
  { code: "MUG-STO", packSize: 2 },
  { code: "SOAP-MRS", packSize: 3 },
];

/** The bundle: one unit of each component (home SKU stems; the first variant of each). */
const BUNDLE = {
  sku: "BNDL-HIKE-ESS",
  title: "Hiking Essentials Bundle",
  components: ["BTL-INS", "LMP-400", "SCK-MER"],
};

/**
 * A second store (Cologne, Germany) selling ~60% of the home store's products under the same SKUs, with the mess
 * SKU mapping has to cope with: a few lower-case SKUs, a couple with surrounding whitespace, one SKU on two variants,
 * a 2-pack and a 3-pack (SKU suffix -2PK / -3PK) and one bundle (SKU BNDL-..., components listed in its
 * description). One location, no customers. Ids start at options.startId.
 */
export function generateConnectedStoreCatalog(home: Catalog, options: CatalogOptions): Catalog {
  const nowMs = options.now.getTime();
  const ids = new IdSequence(options.startId);
  const r = createRandom(deriveSeed(options.seed, "connected"));
  const barcodes = new BarcodeIssuer(createRandom(deriveSeed(options.seed, "connected-barcodes")));

  const openedMs = nowMs - r.int(200, 320) * DAY_MS;
  const location = makeLocation(COLOGNE_WAREHOUSE, ids.take(), openedMs, openedMs + r.int(1, 30) * DAY_MS);

  const homeItems = new Map(home.inventoryItems.map((item) => [item.id, item]));
  const sellable = home.products.filter(
    (p) => p.status === "ACTIVE" && home.variants.some((v) => v.productId === p.id && homeItems.get(v.inventoryItemId)?.tracked),
  );
  const wanted = Math.round(home.products.length * 0.6);
  const chosenIds = new Set(r.shuffle(sellable).slice(0, wanted).map((p) => p.id));

  const products: Product[] = [];
  const variants: Variant[] = [];
  const inventoryItems: InventoryItem[] = [];
  const priceFactor = r.pick([1, 1.05, 1.1]);

  const addProduct = (fields: Omit<Product, "id" | "createdAt" | "updatedAt">): Product => {
    const createdMs = openedMs + r.int(0, 180) * DAY_MS + r.int(0, 86_399) * 1000;
    const product: Product = {
      id: ids.take(),
      ...fields,
      createdAt: iso(createdMs),
      updatedAt: iso(Math.min(nowMs, createdMs + r.int(0, 60) * DAY_MS)),
    };
    products.push(product);
    return product;
  };
  const addVariant = (
    product: Product,
    fields: { title: string; sku: string; barcode: string; price: number; selectedOptions: string[]; unitCost: string | null },
  ): Variant => {
    const variantId = ids.take();
    const itemId = ids.take();
    const variant: Variant = {
      id: variantId,
      productId: product.id,
      title: fields.title,
      sku: fields.sku,
      barcode: fields.barcode,
      price: money(fields.price),
      compareAtPrice: null,
      selectedOptions: fields.selectedOptions,
      inventoryPolicy: "DENY",
      inventoryItemId: itemId,
      position: variants.filter((v) => v.productId === product.id).length + 1,
      createdAt: product.createdAt,
      updatedAt: product.updatedAt,
    };
    variants.push(variant);
    inventoryItems.push({
      id: itemId,
      variantId,
      sku: fields.sku,
      tracked: true,
      requiresShipping: true,
      unitCost: fields.unitCost,
      createdAt: product.createdAt,
      updatedAt: product.updatedAt,
    });
    return variant;
  };
  const roundPrice = (euros: number) => Math.round(euros * 2) / 2;

  // Same products, same SKUs and barcodes.
  for (const homeProduct of home.products.filter((p) => chosenIds.has(p.id))) {
    const product = addProduct({
      title: homeProduct.title,
      handle: homeProduct.handle,
      productType: homeProduct.productType,
      vendor: homeProduct.vendor,
      descriptionHtml: homeProduct.descriptionHtml,
      tags: [...homeProduct.tags],
      status: "ACTIVE",
      options: [...homeProduct.options],
      imageUrl: homeProduct.imageUrl,
    });
    for (const homeVariant of home.variants.filter((v) => v.productId === homeProduct.id)) {
      addVariant(product, {
        title: homeVariant.title,
        sku: homeVariant.sku ?? "",
        barcode: homeVariant.barcode ?? barcodes.issue(CONNECTED_GS1_PREFIX),
        price: roundPrice(Number(homeVariant.compareAtPrice ?? homeVariant.price) * priceFactor),
        selectedOptions: [...homeVariant.selectedOptions],
        unitCost: homeItems.get(homeVariant.inventoryItemId)?.unitCost ?? null,
      });
    }
  }

  // The mess, on distinct variants of the plain copies.
  const setSku = (variant: Variant, sku: string) => {
    variant.sku = sku;
    const item = inventoryItems.find((i) => i.id === variant.inventoryItemId);
    if (item) item.sku = sku;
  };
  const candidates = r.shuffle(variants);
  const withSiblings = products.filter((p) => variants.filter((v) => v.productId === p.id).length >= 2);
  const duplicateProduct = withSiblings.length > 0 ? r.pick(withSiblings) : undefined;
  const touched = new Set<string>();
  if (duplicateProduct) {
    // A copy-paste slip: the second variant carries the first one's SKU.
    const [first, second] = variants.filter((v) => v.productId === duplicateProduct.id);
    setSku(second!, first!.sku!);
    touched.add(first!.id).add(second!.id);
  }
  const untouched = candidates.filter((v) => !touched.has(v.id));
  untouched.slice(0, 3).forEach((v) => setSku(v, v.sku!.toLowerCase()));
  const [padA, padB] = untouched.slice(3, 5);
  if (padA) setSku(padA, ` ${padA.sku!} `);
  if (padB) setSku(padB, `${padB.sku!} `);

  // Multipacks: their own products, SKU = home SKU + -2PK / -3PK.
  const homeByStem = (code: string): Product | undefined => {
    const stem = `OS-${code}`;
    const variant = home.variants.find((v) => v.sku === stem || v.sku?.startsWith(`${stem}-`));
    return variant ? sellable.find((p) => p.id === variant.productId) : undefined;
  };
  const smallProducts = sellable.filter((p) => home.variants.filter((v) => v.productId === p.id).length <= 4);
  const packs = MULTIPACKS.map((pack, i) => ({ packSize: pack.packSize, product: homeByStem(pack.code) ?? smallProducts[i] }));
  for (const pack of packs) {
    if (!pack.product) continue;
    const label = `${pack.packSize}-pack`;
    const title = `${pack.product.title} (${label})`;
    const product = addProduct({
      title,
      handle: slugify(title),
      productType: pack.product.productType,
      vendor: pack.product.vendor,
      descriptionHtml: `<p>${pack.packSize} × ${escapeHtml(pack.product.title)}, packed together.</p>`,
      tags: [...pack.product.tags.filter((t) => t !== "bestseller"), "multipack"].sort(),
      status: "ACTIVE",
      options: [...pack.product.options],
      imageUrl: null,
    });
    for (const homeVariant of home.variants.filter((v) => v.productId === pack.product!.id)) {
      const unitCost = homeItems.get(homeVariant.inventoryItemId)?.unitCost;
      addVariant(product, {
        title: homeVariant.title,
        sku: `${homeVariant.sku}-${pack.packSize}PK`,
        barcode: barcodes.issue(CONNECTED_GS1_PREFIX),
        price: roundPrice(Number(homeVariant.price) * pack.packSize * 0.9),
        selectedOptions: [...homeVariant.selectedOptions],
        unitCost: unitCost ? money(Number(unitCost) * pack.packSize) : null,
      });
    }
  }

  // The bundle.
  const components = BUNDLE.components
    .map((code) => homeByStem(code))
    .filter((p): p is Product => p !== undefined)
    .map((p) => home.variants.find((v) => v.productId === p.id)!);
  const bundleParts = components.length >= 2 ? components : smallProducts.slice(0, 3).map((p) => home.variants.find((v) => v.productId === p.id)!);
  if (bundleParts.length >= 2) {
    const titleOf = (v: Variant) => {
      const p = home.products.find((x) => x.id === v.productId)!;
      return v.title === "Default Title" ? p.title : `${p.title} – ${v.title}`;
    };
    const product = addProduct({
      title: BUNDLE.title,
      handle: slugify(BUNDLE.title),
      productType: "Bundles",
      vendor: options.shopName,
      descriptionHtml:
        "<p>Everything for a day on the trail, in one box:</p><ul>" +
        bundleParts.map((v) => `<li>1 × ${escapeHtml(titleOf(v))} (SKU ${v.sku})</li>`).join("") +
        "</ul>",
      tags: ["bundle", "gift", "outdoor"],
      status: "ACTIVE",
      options: ["Title"],
      imageUrl: null,
    });
    const total = bundleParts.reduce((sum, v) => sum + Number(v.price), 0);
    const cost = bundleParts.reduce((sum, v) => sum + Number(homeItems.get(v.inventoryItemId)?.unitCost ?? 0), 0);
    addVariant(product, {
      title: "Default Title",
      sku: BUNDLE.sku,
      barcode: barcodes.issue(CONNECTED_GS1_PREFIX),
      price: roundPrice(total * 0.85),
      selectedOptions: ["Default Title"],
      unitCost: money(cost),
    });
  }

  // Stock: one warehouse, a few sold out.
  const sr = createRandom(deriveSeed(options.seed, "connected-stock"));
  const levels: InventoryLevel[] = inventoryItems.map((item) => {
    const q = emptyQuantities();
    if (sr.chance(0.12)) {
      if (sr.chance(0.5)) q.incoming = sr.int(1, 4) * 12;
    } else {
      q.available = sr.chance(0.15) ? sr.int(1, 3) : sr.int(4, 60);
      if (sr.chance(0.2)) q.committed = sr.int(1, 3);
      if (sr.chance(0.05)) q.damaged = 1;
    }
    return { inventoryItemId: item.id, locationId: location.id, quantities: q, updatedAt: iso(nowMs - sr.int(10, 72 * 60) * 60_000) };
  });

  return { locations: [location], products, variants, inventoryItems, levels, customers: [], nextId: ids.value };
}
