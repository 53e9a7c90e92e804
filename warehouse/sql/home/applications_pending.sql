-- Seller applications waiting for a decision in the given provinces.
-- grain: one row. Pending = submitted, in_review or resubmitted (needs_information waits
-- on the seller, not the office).
select count(*) as applications_pending
from lake.seller_application
where list_contains($provinces, province_code)
  and status in ('submitted', 'in_review', 'resubmitted')
