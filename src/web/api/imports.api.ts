import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, toQueryString } from './api-client';
import type { ContactFilters } from './contacts.api';
import type { ImportField, ImportJob, ImportPreview } from '../../shared/api/imports';

export type DuplicatePolicy = 'skip' | 'update' | 'create';

function form(file: File, fields: Record<string, string | undefined>) {
  const data = new FormData();
  // Text fields first: the server reads the parts in order.
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') data.set(k, v);
  data.set('file', file);
  return data;
}

export const usePreviewImport = () =>
  useMutation({
    mutationFn: ({ file, mapping }: { file: File; mapping?: ImportField[] }) =>
      api.upload<ImportPreview>('/api/imports/preview', form(file, { mapping: mapping ? JSON.stringify(mapping) : undefined })),
  });

export const useStartImport = () =>
  useMutation({
    mutationFn: ({
      file,
      mapping,
      duplicates,
      tagIds,
    }: {
      file: File;
      mapping?: ImportField[];
      duplicates: DuplicatePolicy;
      tagIds: string[];
    }) =>
      api.upload<{ id: string }>(
        '/api/imports',
        form(file, { mapping: mapping ? JSON.stringify(mapping) : undefined, duplicates, tagIds: tagIds.join(',') || undefined }),
      ),
  });

/** The import as it runs: asked again every half second until it has finished. */
export function useImportJob(id: string | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: ['imports', id],
    enabled: !!id,
    queryFn: async () => {
      const job = await api.get<ImportJob>(`/api/imports/${id}`);
      if (job.status === 'finished' || job.status === 'failed') void qc.invalidateQueries({ queryKey: ['contacts'] });
      return job;
    },
    refetchInterval: (q) => (q.state.data && ['finished', 'failed'].includes(q.state.data.status) ? false : 500),
  });
}

/** Download links: the current filters of the contacts list, or a selection of ids. */
export function exportUrl(kind: 'csv' | 'vcf', selection: { filters?: ContactFilters; ids?: string[] }) {
  const { sort: _sort, order: _order, ...filters } = selection.filters ?? ({} as Partial<ContactFilters>);
  const query = selection.ids?.length ? { ids: selection.ids } : filters;
  return `/api/contacts/export.${kind}${toQueryString(query)}`;
}
