import { RewardFormDrawer } from "../../reward-form"

/** Settings → Loyalty → Rewards → Edit: the reward's form in a drawer over the rewards list, at /settings/loyalty/rewards/:id/edit. */
const EditRewardPage = () => <RewardFormDrawer />

export default EditRewardPage
