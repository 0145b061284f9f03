import { TierFormDrawer } from "../../tier-form"

/** Settings → Loyalty → Tiers → Edit: the tier's form in a drawer over the tiers list, at /settings/loyalty/tiers/:id/edit. */
const EditTierPage = () => <TierFormDrawer />

export default EditTierPage
