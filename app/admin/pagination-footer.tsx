import { useSearchParams } from "@remix-run/react";
import { Box, InlineStack, Pagination, Text } from "@shopify/polaris";

// The footer under a paged admin table: "12 items · page 1 of 3" and previous/next. Turning the page keeps the
// rest of the query (search, tab), so the loader reads the same list one page on.

export interface PaginationFooterProps {
  total: number;
  page: number;
  pages: number;
  /** As IndexTable's resourceName. */
  resourceName: { singular: string; plural: string };
}

export function PaginationFooter({ total, page, pages, resourceName }: PaginationFooterProps) {
  const [, setParams] = useSearchParams();
  const go = (to: number) => setParams((p) => ({ ...Object.fromEntries(p), page: String(to) }));
  return (
    <Box padding="300">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="span" tone="subdued">{`${total} ${total === 1 ? resourceName.singular : resourceName.plural} · page ${page} of ${pages}`}</Text>
        <Pagination hasPrevious={page > 1} onPrevious={() => go(page - 1)} hasNext={page < pages} onNext={() => go(page + 1)} />
      </InlineStack>
    </Box>
  );
}
