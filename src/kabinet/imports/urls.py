from django.urls import path

from kabinet.imports.views import codes, jobs

app_name = "imports"

urlpatterns = [
    path("", jobs.upload, name="upload"),
    path("paste/", jobs.paste, name="paste"),
    path("template.<str:fmt>", jobs.template, name="template"),
    path("<int:job_id>/", jobs.report, name="report"),
    path("<int:job_id>/mapping/", jobs.mapping, name="mapping"),
    path("<int:job_id>/report.xlsx", jobs.report_download, name="report-xlsx"),
    path("<int:job_id>/rows/<int:row_id>/", jobs.row_fix, name="row-fix"),
    path("<int:job_id>/use-proposed/", jobs.use_proposed, name="use-proposed"),
    path("<int:job_id>/apply/", jobs.apply, name="apply"),
    path("codes/", codes.codes, name="codes"),
    path("codes/products/<int:product_id>/", codes.partner_codes, name="partner-codes"),
    path("codes/products/<int:product_id>/set/", codes.partner_code_set, name="partner-code-set"),
    path("codes/<int:code_id>/delete/", codes.partner_code_delete, name="partner-code-delete"),
]
