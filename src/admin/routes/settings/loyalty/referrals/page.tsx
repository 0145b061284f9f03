import {
  Button,
  Container,
  Label,
  Switch,
  Text,
} from "@medusajs/ui"
import { ListHeader, QueryDataTable, useColumns, useServerPage } from "../../../../components/data-table"
import { useCallback, useState } from "react"
import { Outlet, useNavigate } from "react-router-dom"
import { InputField, NotedInput } from "../../../../components/form-field"
import {
  CurrencyTable,
  FormSection,
  ProgramEditorForm,
  ProgramIntFields,
  ProgramSettingsPage,
} from "../../../../components/program-settings"
import { PartyLink, ReferralStatusBadge } from "../../../../components/referral-party"
import { useReferralProgram, useReferrals, useUpdateReferralProgram } from "../../../../hooks/use-referrals"
import { useProgramForm, type IntRule } from "../../../../lib/form"
import { REFERRAL_STATUS_LABELS, formatDate, formatPoints, toNumber } from "../../../../lib/format"
import { Limits } from "../../../../../lib/shared/vocabulary"
import {
  REFERRALS_PAGE_SIZE,
  REFERRAL_STATUSES,
  type AdminReferral,
  type AdminReferralProgramResponse,
  type ReferralProgram,
  type ReferralStatus,
} from "../../../../lib/referrals-api"
import { FlagList, REVIEWABLE_STATUSES } from "./review-drawer"

/* ------------------------------------------------------------------ */
/* Program form: inputs kept as typed text, parsed on save.            */
/* ------------------------------------------------------------------ */

type IntField = "referrer_points" | "referee_points" | "claim_window_days" | "monthly_cap"

/** The fields besides the whole numbers and the minimum order amounts. */
type OwnForm = {
  enabled: boolean
  take_back_rewards: boolean
  storefront_url: string
}

type OwnValues = Pick<ReferralProgram, "enabled" | "take_back_rewards" | "storefront_url">

/** The server validator's bounds; the server stays the judge. */
const INT_RULES: Record<IntField, IntRule> = Limits.referral_program
/** Empty = no minimum in this currency. */
const AMOUNT_RULES = {
  min_order_amounts: { invalid: "Enter an amount, e.g. 50 or 49.90.", max: Limits.per_currency, allowZero: true },
}
const URL_RE = /^https?:\/\/\S+$/i

const toForm = (program: ReferralProgram): OwnForm => ({
  enabled: !!program.enabled,
  take_back_rewards: program.take_back_rewards !== false,
  storefront_url: program.storefront_url ?? "",
})

const parseForm = (
  form: OwnForm,
  ints: Partial<Record<IntField, number>>
): { errors: Partial<Record<"storefront_url" | "rewards", string>>; values: OwnValues } => {
  const errors: Partial<Record<"storefront_url" | "rewards", string>> = {}
  const url = form.storefront_url.trim()
  if (url && !URL_RE.test(url)) {
    errors.storefront_url = "Enter an http(s) address, e.g. https://shop.example.com"
  }
  if (form.enabled && ints.referrer_points === 0 && ints.referee_points === 0) {
    errors.rewards = "A running program must reward the referrer, the friend, or both."
  }
  return {
    errors,
    values: { enabled: form.enabled, take_back_rewards: form.take_back_rewards, storefront_url: url || null },
  }
}

/** Only the fields that changed: every save makes a new program version. */
const diffProgram = (program: ReferralProgram, next: OwnValues): Partial<OwnValues> => {
  const body: Partial<OwnValues> = {}
  if (!!program.enabled !== next.enabled) body.enabled = next.enabled
  if ((program.take_back_rewards !== false) !== next.take_back_rewards) body.take_back_rewards = next.take_back_rewards
  if ((program.storefront_url ?? null) !== next.storefront_url) {
    body.storefront_url = next.storefront_url
  }
  return body
}

/** What a share link will look like, as the server builds it. */
const sharePreview = (url: string) => {
  const sample = "7KQ4M-XC9TR"
  const text = url.trim()
  if (!URL_RE.test(text)) return null
  if (text.includes("{code}")) return text.split("{code}").join(sample)
  try {
    const u = new URL(text)
    u.searchParams.set("ref", sample)
    return u.toString()
  } catch {
    return null
  }
}

/* ------------------------------------------------------------------ */

/** The referral program: its name in messages, its fields' id prefix, and its hooks. */
const PROGRAM = { what: "referral program", prefix: "referral", useQuery: useReferralProgram, useUpdate: useUpdateReferralProgram }

const ReferralSettingsPage = () => (
  <ProgramSettingsPage program={PROGRAM} editor={ProgramEditor}>
    <ReferralsList />
    {/* The Review drawer (@[id]) is a child route drawn here. */}
    <Outlet />
  </ProgramSettingsPage>
)

const INT_FIELDS: Record<IntField, { label: string; hint: string }> = {
  referrer_points: { label: "Referrer reward (points)", hint: "For the customer who shared the code." },
  referee_points: { label: "Friend reward (points)", hint: "For the new customer who used the code." },
  claim_window_days: {
    label: "Claim window (days after sign-up)",
    hint: "A new customer may enter a code this long after creating their account, before their first order.",
  },
  monthly_cap: {
    label: "Monthly cap per referrer",
    hint: "Referrals per referrer per calendar month before new ones are flagged for review. 0 = no cap.",
  },
}

const ProgramEditor = ({ data }: { data: AdminReferralProgramResponse }) => {
  const { program } = data
  const { form, set, field, bindAmount, errors, codes, intFields, saveBar } = useProgramForm(data, PROGRAM, {
    ints: { rules: INT_RULES, labels: INT_FIELDS },
    amounts: AMOUNT_RULES,
    toForm,
    parse: parseForm,
    diff: diffProgram,
  })
  const preview = sharePreview(form.storefront_url)

  return (
    <ProgramEditorForm
      title="Referral program"
      unsaved="the plugin's default settings"
      controls={
        <div className="flex items-center gap-x-2">
          <Label size="small" weight="plus" htmlFor="referral-enabled">
            Program running
          </Label>
          <Switch
            id="referral-enabled"
            data-testid="referral-program-enabled"
            checked={form.enabled}
            onCheckedChange={(checked) => set("enabled", checked)}
          />
        </div>
      }
      {...saveBar}
    >
      <FormSection
        title="Rewards"
        description="Both sides are paid in points once the friend's first qualifying order is past its return window. Referrals already claimed keep the rewards they were claimed under. Coupon rewards are not available yet."
      >
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <ProgramIntFields {...intFields} fields={["referrer_points", "referee_points"]} />
        </div>
        {errors.rewards && (
          <Text size="xsmall" className="text-ui-fg-error">
            {errors.rewards}
          </Text>
        )}
        <div className="flex items-center gap-x-2">
          <Switch
            id="referral-take_back_rewards"
            data-testid="referral-program-take-back"
            checked={form.take_back_rewards}
            onCheckedChange={(checked) => set("take_back_rewards", checked)}
          />
          <Label size="small" htmlFor="referral-take_back_rewards">
            Take both rewards back if the friend's order is canceled or refunded in full after they were paid
          </Label>
        </div>
      </FormSection>

      <FormSection title="Conditions">
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <ProgramIntFields {...intFields} fields={["claim_window_days", "monthly_cap"]} />
        </div>
        {codes.length > 0 && (
          <CurrencyTable
            testId="referral-min-order-amounts"
            codes={codes}
            columns={["Minimum first order"]}
            cells={(code, upper) => {
              const amount = bindAmount("min_order_amounts", code)
              return [
                <NotedInput
                  aria-label={`Minimum first order in ${upper}`}
                  testId={`referral-min-order-${code}`}
                  number="decimal"
                  min={0}
                  placeholder="No minimum"
                  {...amount}
                  hint={
                    amount.value.trim()
                      ? `Items after discounts, before tax and shipping, in ${upper}.`
                      : `Empty: any ${upper} order qualifies.`
                  }
                />,
              ]
            }}
          />
        )}
      </FormSection>

      <FormSection title="Share link">
        <InputField
          label="Storefront address"
          hint={
            preview ? (
              <>
                Customers share:{" "}
                <span data-testid="referral-share-preview">{preview}</span>
              </>
            ) : (
              "Where share links point. Put {code} where the code goes, or it is added as ?ref=."
            )
          }
          placeholder="https://shop.example.com"
          {...field("storefront_url")}
        />
      </FormSection>
    </ProgramEditorForm>
  )
}

/* ------------------------------------------------------------------ */
/* Referrals list with approve / reject                                */
/* ------------------------------------------------------------------ */

const FILTERS: { label: string; status?: ReferralStatus }[] = [
  { label: "All" },
  ...REFERRAL_STATUSES.map((status) => ({
    label: REFERRAL_STATUS_LABELS[status],
    status,
  })),
]

/** The referrals table's columns; Review opens the decision drawer (the referral's route) for a referral still undecided. */
const useReferralColumns = (onReview: (referral: AdminReferral) => void) =>
  useColumns<AdminReferral>(
    (columnHelper) => [
      columnHelper.accessor("claimed_at", {
        header: "Claimed",
        cell: ({ getValue }) => <span className="whitespace-nowrap">{formatDate(getValue())}</span>,
      }),
      columnHelper.accessor("referrer", {
        header: "Referrer",
        cell: ({ getValue }) => <PartyLink party={getValue()} />,
      }),
      columnHelper.accessor("referee", {
        header: "Friend",
        cell: ({ getValue }) => <PartyLink party={getValue()} />,
      }),
      columnHelper.accessor("status", {
        header: "Status",
        cell: ({ row: { original: referral } }) => (
          <span data-referral-status={referral.status}>
            <ReferralStatusBadge referral={referral} />
          </span>
        ),
      }),
      columnHelper.display({
        id: "reasons",
        header: "Reasons",
        cell: ({ row }) => (
          <div className="max-w-[320px] whitespace-normal">
            <FlagList referral={row.original} />
          </div>
        ),
      }),
      columnHelper.accessor((referral) => referral.referrer_points, {
        id: "rewards",
        header: "Rewards",
        align: "right",
        cell: ({ row: { original: referral } }) => (
          <span className="whitespace-nowrap">
            {formatPoints(referral.referrer_points)} / {formatPoints(referral.referee_points)}
          </span>
        ),
      }),
      columnHelper.display({
        id: "actions",
        cell: ({ row: { original: referral } }) =>
          REVIEWABLE_STATUSES.includes(referral.status) && (
            <div className="flex justify-end">
              <Button
                size="small"
                variant="secondary"
                type="button"
                data-testid="referral-review"
                onClick={() => onReview(referral)}
              >
                Review
              </Button>
            </div>
          ),
      }),
    ],
    [onReview]
  )

const ReferralsList = () => {
  const [status, setStatus] = useState<ReferralStatus | undefined>(undefined)
  const page = useServerPage(REFERRALS_PAGE_SIZE)
  const query = useReferrals({
    status,
    limit: page.state.pageSize,
    offset: page.state.pageIndex * page.state.pageSize,
  })
  const navigate = useNavigate()
  const columns = useReferralColumns(useCallback((referral: AdminReferral) => navigate(referral.id), [navigate]))

  return (
    <Container className="divide-y p-0">
      <ListHeader title="Referrals" description="Flagged referrals wait for your decision; the reasons are listed.">
        <div className="flex flex-wrap gap-1" role="group" aria-label="Filter by status">
          {FILTERS.map((filter) => {
            const active = filter.status === status
            return (
              <Button
                key={filter.label}
                size="small"
                variant={active ? "primary" : "transparent"}
                type="button"
                aria-pressed={active}
                data-testid={`referral-filter-${filter.status ?? "all"}`}
                onClick={() => {
                  setStatus(filter.status)
                  page.first()
                }}
              >
                {filter.label}
              </Button>
            )
          })}
        </div>
      </ListHeader>

      <QueryDataTable
        query={query} what="referrals" rows={(data) => data.referrals} page={page}
        testId="referrals-table" columns={columns} getRowId={(referral) => referral.id}
        empty={status ? `No ${REFERRAL_STATUS_LABELS[status].toLowerCase()} referrals.` : "No referrals yet."}
      />
    </Container>
  )
}

export default ReferralSettingsPage
