/**
 * @brigade/crdt-model: the restaurant domain as CRDT documents. Browser-safe,
 * no I/O. Two documents per branch:
 *
 * - `<branch>/menu` ({@link menuDocName}): a {@link MenuDocument}.
 * - `<branch>/day/<YYYY-MM-DD>` ({@link dayDocName}): a {@link ServiceDay}
 *   with orders, lines, kitchen tickets and settlement claims.
 *
 * Both run on an {@link Engine}; production uses {@link yjsEngine} around
 * the `Y.Doc` that the till's providers sync. (The Automerge engine used for
 * comparison is at `@brigade/crdt-model/automerge`; the conformance suite
 * and the busy-day generator at `@brigade/crdt-model/testing`.)
 *
 * @example
 * import * as Y from 'yjs';
 * import { ServiceDay, demoMenu, yjsEngine } from '@brigade/crdt-model';
 *
 * const day = new ServiceDay(yjsEngine(new Y.Doc()), {
 *   device: 'till-1',
 *   menu: demoMenu,
 * });
 * const orderId = day.openOrder({ table: '4', guests: 2 });
 * day.addLine({ orderId, itemId: 'steak', modifiers: ['medium-rare'] });
 * day.sendToKitchen({ orderId });
 * const invoice = day.invoiceSnapshot(orderId); // total 2995, VAT 499
 * day.claimSettlement({ orderId, docNo: 1, total: invoice.total });
 */

export {
  type Customer,
  CustomerBook,
  type CustomerBookOptions,
  type CustomerInput,
  type DuplicateGroup,
  type OverdrawnCustomer,
} from './customers/customer-book.ts';
export { onErasedWrite } from './customers/erasure.ts';
export {
  normaliseEmail,
  normalisePhone,
  phoneKey,
} from './customers/normalise.ts';
export {
  carryCustomerLinks,
  orderRefOf,
} from './customers/order-links.ts';
export {
  countryOfCurrency,
  PHONE_PLANS,
  type PhonePlan,
  phonePlan,
} from './customers/phone-countries.ts';
export type {
  CustomerRecord,
  LoyaltyKind,
  LoyaltyMove,
  PersonalFields,
} from './customers/records.ts';
export type { DayIndex, DaySnapshot } from './day/day-state.ts';
export { snapshotOf } from './day/day-state.ts';
export type {
  Claim,
  ClaimCredit,
  Line,
  LineVoid,
  ModifierSnapshot,
  Order,
  OrderVoid,
  Pricing,
  Ticket,
  TicketItem,
  TicketStatus,
} from './day/records.ts';
export { STATUSES } from './day/records.ts';
export {
  type AddLineInput,
  type ClaimInput,
  type DayChange,
  ServiceDay,
  type ServiceDayOptions,
} from './day/service-day.ts';
export type {
  Engine,
  EngineChange,
  EngineRecord,
  EngineWriter,
  Json,
  JsonObject,
} from './engine/engine.ts';
export {
  YJS_LOCAL_ORIGIN,
  YJS_REMOTE_ORIGIN,
  YjsEngine,
  yjsEngine,
} from './engine/yjs.ts';
export { ModelError, type ModelErrorCode } from './errors.ts';
export {
  type Brand,
  type ClaimId,
  checkDate,
  type DeviceId,
  dayDocName,
  deviceId,
  isValidId,
  type LineId,
  menuDocName,
  type OrderId,
  randomId,
  type TicketId,
} from './ids.ts';
export { customersDocName, inventoryDocName } from './inventory/doc-name.ts';
export { fireTickets, restockCredit } from './inventory/firing.ts';
export {
  Inventory,
  type InventoryOptions,
  type ItemAvailability,
  type Usage,
} from './inventory/inventory.ts';
export {
  ADJUST_REASONS,
  type Components,
  type MoveKind,
  type Recipe,
  STOCK_UNITS,
  type StockItem,
  type StockMove,
  type StockUnit,
} from './inventory/records.ts';
export type { StockLevel } from './inventory/views.ts';
export { demoMenu } from './menu/demo-menu.ts';
export type {
  Category,
  Currency,
  Menu,
  MenuItem,
  ModifierGroup,
  ModifierOption,
  Station,
} from './menu/menu.ts';
export {
  MenuDocument,
  type MenuDocumentOptions,
} from './menu/menu-document.ts';
export { parseMenu } from './menu/parse-menu.ts';
export { allocate, divideHalfUp, percentOf } from './money/rounding.ts';
export {
  type Adjustment,
  computeTotals,
  type PricedAmount,
  type TaxBreakdown,
  type TaxRate,
  type TaxRounding,
  type Totals,
  type TotalsInput,
  taxOf,
} from './money/totals.ts';
export {
  type Conflict,
  type ConflictKind,
  conflicts,
  type ManagerAction,
} from './views/conflicts.ts';
export {
  type InvoiceLine,
  type InvoiceSnapshot,
  invoiceDigest,
  invoiceOf,
} from './views/invoice.ts';
export {
  type AllDayCount,
  type KdsItem,
  type KdsTicket,
  kdsQueues,
  type StationQueue,
  type TicketState,
  ticketState,
} from './views/kds.ts';
export {
  type OpenOrderSummary,
  type OpenTable,
  openTables,
} from './views/open-tables.ts';
export {
  type ClaimView,
  type LineView,
  liveClaims,
  type OrderStatus,
  type OrderView,
  orderView,
  statusOf,
} from './views/order-view.ts';
