/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-file-chooser.h"

typedef struct
{
  CkOpenFilesFunc open_callback;
  CkSaveFileFunc  save_callback;
  gpointer        user_data;
} ChooserData;

static GListStore *
ck_file_chooser_filters (void)
{
  static const char *patterns[] = {
    "*.pem", "*.crt", "*.cer", "*.der", "*.key", "*.p8", "*.pk8", "*.p12",
    "*.pfx", "*.p7b", "*.p7c", "*.csr", "*.req",
  };
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) certs = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (certs, _("Certificates, Keys and Requests"));
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    gtk_file_filter_add_suffix (certs, patterns[i] + 2);
  gtk_file_filter_add_mime_type (certs, "application/x-x509-ca-cert");
  gtk_file_filter_add_mime_type (certs, "application/pkix-cert");
  gtk_file_filter_add_mime_type (certs, "application/x-pkcs12");
  gtk_file_filter_add_mime_type (certs, "application/x-pem-file");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  g_list_store_append (filters, certs);
  g_list_store_append (filters, all);

  return filters;
}

static GFile *
ck_file_chooser_default_folder (void)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (documents);
  return g_file_new_for_path (g_get_home_dir ());
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
open_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ChooserData *data = user_data;
  g_autoptr(GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source),
                                                                      result, NULL);

  data->open_callback (files, data->user_data);
  g_free (data);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ChooserData *data = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, NULL);

  data->save_callback (file, data->user_data);
  g_free (data);
}

void
ck_file_chooser_open_files (GtkWindow       *parent,
                            const char      *title,
                            CkOpenFilesFunc  callback,
                            gpointer         user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = ck_file_chooser_filters ();
  ChooserData *data = g_new0 (ChooserData, 1);

  data->open_callback = callback;
  data->user_data = user_data;
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, _("_Import"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_open_multiple (dialog, parent, NULL, open_done, data);
}

static void
folder_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ChooserData *data = user_data;
  g_autoptr(GFile) folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (source),
                                                                  result, NULL);

  data->save_callback (folder, data->user_data);
  g_free (data);
}

void
ck_file_chooser_select_folder (GtkWindow      *parent,
                               const char     *title,
                               const char     *accept_label,
                               CkSaveFileFunc  callback,
                               gpointer        user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  ChooserData *data = g_new0 (ChooserData, 1);

  data->save_callback = callback;
  data->user_data = user_data;
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, accept_label);
  gtk_file_dialog_select_folder (dialog, parent, NULL, folder_done, data);
}

void
ck_file_chooser_save_file (GtkWindow      *parent,
                           const char     *title,
                           const char     *suggested_name,
                           CkSaveFileFunc  callback,
                           gpointer        user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GFile) folder = ck_file_chooser_default_folder ();
  ChooserData *data = g_new0 (ChooserData, 1);

  data->save_callback = callback;
  data->user_data = user_data;
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, _("_Export"));
  gtk_file_dialog_set_initial_folder (dialog, folder);
  gtk_file_dialog_set_initial_name (dialog, suggested_name);
  gtk_file_dialog_save (dialog, parent, NULL, save_done, data);
}

#else /* GTK 4.8 */

static void
native_response (GtkNativeDialog *native,
                 int              response,
                 gpointer         user_data)
{
  ChooserData *data = user_data;
  gboolean accepted = response == GTK_RESPONSE_ACCEPT;

  if (data->open_callback != NULL)
    {
      g_autoptr(GListModel) files = NULL;

      if (accepted)
        files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));
      data->open_callback (files, data->user_data);
    }
  else
    {
      g_autoptr(GFile) file = NULL;

      if (accepted)
        file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      data->save_callback (file, data->user_data);
    }

  g_free (data);
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

void
ck_file_chooser_open_files (GtkWindow       *parent,
                            const char      *title,
                            CkOpenFilesFunc  callback,
                            gpointer         user_data)
{
  GtkFileChooserNative *native;
  g_autoptr(GListStore) filters = ck_file_chooser_filters ();
  ChooserData *data = g_new0 (ChooserData, 1);

  data->open_callback = callback;
  data->user_data = user_data;
  native = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (filters)); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (G_LIST_MODEL (filters), i);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  g_signal_connect (native, "response", G_CALLBACK (native_response), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
ck_file_chooser_select_folder (GtkWindow      *parent,
                               const char     *title,
                               const char     *accept_label,
                               CkSaveFileFunc  callback,
                               gpointer        user_data)
{
  GtkFileChooserNative *native;
  ChooserData *data = g_new0 (ChooserData, 1);

  /* native_response() hands the folder to the save callback. */
  data->save_callback = callback;
  data->user_data = user_data;
  native = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (native_response), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
ck_file_chooser_save_file (GtkWindow      *parent,
                           const char     *title,
                           const char     *suggested_name,
                           CkSaveFileFunc  callback,
                           gpointer        user_data)
{
  GtkFileChooserNative *native;
  g_autoptr(GFile) folder = ck_file_chooser_default_folder ();
  ChooserData *data = g_new0 (ChooserData, 1);

  data->save_callback = callback;
  data->user_data = user_data;
  native = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested_name);
  g_signal_connect (native, "response", G_CALLBACK (native_response), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

#endif
