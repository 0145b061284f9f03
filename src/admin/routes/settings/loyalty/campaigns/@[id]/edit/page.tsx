import { CampaignFormDrawer } from "../../campaign-form"

/** Settings → Loyalty → Campaigns → Edit: the campaign's form in a drawer over the campaigns list, at /settings/loyalty/campaigns/:id/edit. */
const EditCampaignPage = () => <CampaignFormDrawer />

export default EditCampaignPage
