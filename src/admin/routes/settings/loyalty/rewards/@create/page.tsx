import { RewardFormDrawer } from "../reward-form"

/** Settings → Loyalty → Rewards → Create reward: the reward form in a drawer over the rewards list, at /settings/loyalty/rewards/create. */
const CreateRewardPage = () => <RewardFormDrawer />

export default CreateRewardPage
