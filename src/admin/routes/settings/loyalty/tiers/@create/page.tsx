import { TierFormDrawer } from "../tier-form"

/** Settings → Loyalty → Tiers → Create tier: the tier form in a drawer over the tiers list, at /settings/loyalty/tiers/create. */
const CreateTierPage = () => <TierFormDrawer />

export default CreateTierPage
