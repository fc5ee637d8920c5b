/** Compatibility re-exports for the components (see README.md here); new code imports src/capabilities. */
export { SERVERS_PRICING_PLAN, pricingTierFor } from "../capabilities/subscription-settings";
