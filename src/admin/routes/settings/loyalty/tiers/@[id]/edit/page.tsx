import { useParams } from "react-router-dom"
import { TierFormDrawer } from "../../tier-form"

/** Settings → Loyalty → Tiers → Edit: the tier's form in a drawer over the tiers list, at /settings/loyalty/tiers/:id/edit. */
const EditTierPage = () => {
  const { id } = useParams()
  return <TierFormDrawer id={id} />
}

export default EditTierPage
