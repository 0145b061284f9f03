import { CampaignFormDrawer } from "../campaign-form"

/** Settings → Loyalty → Campaigns → Create: the campaign form in a drawer over the campaigns list, at /settings/loyalty/campaigns/create. */
const CreateCampaignPage = () => <CampaignFormDrawer />

export default CreateCampaignPage
