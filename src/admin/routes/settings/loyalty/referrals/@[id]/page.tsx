import { useParams } from "react-router-dom"
import { ReviewReferralDrawer } from "../review-drawer"

/** Settings → Loyalty → Referrals → Review: the referral's review drawer over the referrals list, at /settings/loyalty/referrals/:id. */
const ReviewReferralPage = () => {
  const { id } = useParams()
  return <ReviewReferralDrawer id={id!} />
}

export default ReviewReferralPage
