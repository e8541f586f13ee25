from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from genbo.accounts.services import competences_resolve
from genbo.library import files, selectors, services
from genbo.library.forms import (
    CREATE_FORMS,
    EDIT_FORMS,
    CommentForm,
    FilterForm,
    LinkForm,
    UploadForm,
)
from genbo.library.models import Item
from genbo.networks.models import Meeting

FILTER_FIELDS = ("kind", "competence", "municipality", "network")


def _form_errors_from(error: ValidationError, form) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def _wants_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def limited_upload(view):
    """Let `view` take a multipart upload that stops at GENBO_UPLOAD_MAX_BYTES.

    The CSRF check reads request.POST, which parses the body, so it has to run after the
    size-limit handler is installed: the view is exempt from the middleware and protected
    again here, as Django's documentation on upload handlers describes.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            files.read_uploads_with_limit(request)
        return protected(request, *args, **kwargs)

    return wrapper


def _upload_from(request, form, field: str = "upload"):
    """Return the uploaded file of `field`, or None with an error on the form."""
    if getattr(request, "upload_too_large", False):
        # The stopped upload also left the field empty; only the size is worth saying.
        form.errors.pop(field, None)
        form.add_error(field, files.too_large_message())
        return None
    return form.cleaned_data.get(field)


@require_safe
def index(request):
    form = FilterForm(
        request.GET or None,
        networks=selectors.filter_networks(request.user),
        offered_networks=selectors.member_networks(request.user),
    )
    filters = {}
    if form.is_bound:
        # An invalid value drops only its own filter, because cleaned_data keeps the others.
        form.is_valid()
        filters = form.cleaned_data
    items = selectors.item_list(
        request.user,
        kind=filters.get("kind", ""),
        competence_text=filters.get("competence", ""),
        municipality=filters.get("municipality"),
        network=filters.get("network"),
        order=filters.get("order") or selectors.Order.NEWEST,
    )
    page = Paginator(items, selectors.ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    partial = _wants_partial(request)
    template = "library/index_results.html" if partial else "library/index.html"
    response = render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "kinds": Item.Kind.choices,
            "partial": partial,
            "filtered": any(
                filters.get(name) for name in ("kind", "competence", "municipality", "network")
            ),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@limited_upload
def item_create(request, kind: str):
    if kind not in CREATE_FORMS:
        raise Http404
    form_class = CREATE_FORMS[kind]
    networks = selectors.member_networks(request.user)
    initial = {"municipality": request.user.municipality_id}
    network_slug = request.GET.get("network")
    if network_slug:
        initial["network"] = networks.filter(slug=network_slug).first()
    if request.method != "POST":
        form = form_class(initial=initial, networks=networks)
        return render(request, "library/item_form.html", {"form": form, "kind": kind, "item": None})

    form = form_class(request.POST, request.FILES, networks=networks)
    valid = form.is_valid()
    upload = _upload_from(request, form) if "upload" in form.fields else None
    if valid and not form.errors:
        data = form.cleaned_data
        links = []
        if data.get("url"):
            links.append((data["url"], data.get("link_title", "")))
        project = {}
        if kind == Item.Kind.PROJECT:
            project = {
                name: data.get(name)
                for name in ("background", "what_was_done", "results", "period_start", "period_end")
            }
            project["contact_person"] = data.get("contact_email") or request.user
        try:
            item = services.item_create(
                author=request.user,
                kind=kind,
                title=data["title"],
                description=data.get("description", ""),
                competences=competences_resolve(data["competences"]),
                municipality=data.get("municipality"),
                network=data.get("network"),
                uploads=[upload] if upload is not None else [],
                links=links,
                municipalities_involved=data.get("municipalities_involved") or [],
                **project,
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your item is shared in Idébiblioteket."))
            return redirect(item)
    return render(request, "library/item_form.html", {"form": form, "kind": kind, "item": None})


def _item_page(request, item, *, comment_form=None, status: int = 200):
    comments = selectors.item_comments(item, request.user)
    comments_page = Paginator(comments, selectors.COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "library/item_detail.html",
        {
            "item": item,
            "comments_page": comments_page,
            "comment_form": comment_form or CommentForm(),
            "can_edit": services.can_edit(item, request.user),
            "upload_form": UploadForm(),
            "link_form": LinkForm(),
        },
        status=status,
    )


@require_safe
def item_detail(request, pk: int):
    item = selectors.get_item_for_user(request.user, pk)
    return _item_page(request, item)


def _own_item(request, pk: int) -> Item:
    item = selectors.get_item_plain(request.user, pk)
    if not services.can_edit(item, request.user):
        # The item is readable, so it is no secret, and others get 403 rather than 404.
        raise PermissionDenied("author")
    return item


def item_edit(request, pk: int):
    item = _own_item(request, pk)
    form_class = EDIT_FORMS[item.kind]
    networks = selectors.member_networks(request.user, keep=item.network_id)
    initial = {
        "title": item.title,
        "description": item.description,
        "competences": [competence.label for competence in item.competences.all()],
        "municipality": item.municipality_id,
        "network": item.network_id,
        "background": item.background,
        "what_was_done": item.what_was_done,
        "results": item.results,
        "contact_email": item.contact_person.email if item.contact_person else "",
        "municipalities_involved": list(item.municipalities_involved.all()),
        "period_start": item.period_start,
        "period_end": item.period_end,
    }
    form = form_class(request.POST or None, initial=initial, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "municipality": data.get("municipality"),
            "network": data.get("network"),
        }
        if item.kind == Item.Kind.PROJECT:
            for name in ("background", "what_was_done", "results", "period_start", "period_end"):
                fields[name] = data.get(name)
            fields["contact_person"] = data.get("contact_email") or request.user
        try:
            services.item_update(
                item=item,
                by=request.user,
                title=data["title"],
                description=data.get("description", ""),
                competences=competences_resolve(data["competences"]),
                municipalities_involved=data.get("municipalities_involved"),
                **fields,
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(item)
    return render(
        request, "library/item_form.html", {"form": form, "kind": item.kind, "item": item}
    )


def item_delete(request, pk: int):
    item = _own_item(request, pk)
    if request.method != "POST":
        return render(request, "library/item_delete.html", {"item": item})
    services.item_delete(item=item, by=request.user)
    messages.success(request, _("The item “%(title)s” is deleted.") % {"title": item.title})
    return redirect("library:index")


def _upload_page(request, *, item, form, item_file=None):
    return render(
        request,
        "library/upload_form.html",
        {"item": item, "form": form, "item_file": item_file},
    )


@limited_upload
def file_add(request, pk: int):
    item = _own_item(request, pk)
    if not item.takes_files:
        raise Http404
    if request.method != "POST":
        return _upload_page(request, item=item, form=UploadForm())
    form = UploadForm(request.POST, request.FILES)
    form.is_valid()
    upload = _upload_from(request, form)
    if upload is not None and not form.errors:
        try:
            services.file_add(item=item, by=request.user, upload=upload)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The file is added."))
            return redirect(item)
    return _upload_page(request, item=item, form=form)


@limited_upload
def version_add(request, pk: int):
    item_file = selectors.get_item_file_for_user(request.user, pk)
    item = item_file.item
    if not services.can_edit(item, request.user):
        raise PermissionDenied("author")
    if request.method != "POST":
        return _upload_page(request, item=item, form=UploadForm(), item_file=item_file)
    form = UploadForm(request.POST, request.FILES)
    form.is_valid()
    upload = _upload_from(request, form)
    if upload is not None and not form.errors:
        try:
            version = services.version_add(item_file=item_file, by=request.user, upload=upload)
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(
                request,
                _("Version %(number)d is uploaded. The earlier versions are kept.")
                % {"number": version.number},
            )
            return redirect(item)
    return _upload_page(request, item=item, form=form, item_file=item_file)


def link_add(request, pk: int):
    item = _own_item(request, pk)
    if not item.takes_links:
        raise Http404
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_add(
                item=item,
                by=request.user,
                url=form.cleaned_data["url"],
                title=form.cleaned_data.get("link_title", ""),
            )
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("The link is added."))
            return redirect(item)
    return render(request, "library/link_form.html", {"item": item, "form": form})


@require_POST
def comment_add(request, pk: int):
    item = selectors.get_item_plain(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(item=item, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            _form_errors_from(error, form)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(item.get_absolute_url() + "#comments")
    item = selectors.get_item_for_user(request.user, pk)
    return _item_page(request, item, comment_form=form, status=200)


@require_POST
def useful_toggle(request, pk: int):
    item = selectors.get_item_plain(request.user, pk)
    error = ""
    try:
        requested_state = {"1": True, "0": False}.get(request.POST.get("marked", ""))
        item.has_marked_useful = services.useful_toggle(
            item=item, user=request.user, marked=requested_state
        )
    except ValidationError as exception:
        error = " ".join(exception.messages)
        item.has_marked_useful = False
    item.refresh_from_db(fields=["useful_count"])
    if _wants_partial(request):
        return render(
            request,
            "library/item_detail_useful.html",
            {
                "item": item,
                "useful_error": error,
                "can_edit": services.can_edit(item, request.user),
            },
        )
    if error:
        messages.error(request, error)
    return redirect(item)


def _file_response(stored, *, cache: str = "private, max-age=300") -> HttpResponse:
    """Send a stored file with the headers that keep a browser from running it.

    Images and PDF may open in the browser; everything else is an attachment. With
    GENBO_X_ACCEL_REDIRECT_PREFIX set and files on the local disk, nginx sends the bytes.
    """
    inline = files.is_inline(stored.content_type)
    prefix = settings.GENBO_X_ACCEL_REDIRECT_PREFIX
    # NOTE: files in S3 always stream through Python, even with the prefix set.
    if prefix and isinstance(default_storage, FileSystemStorage):
        response = HttpResponse(content_type=stored.content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(stored.storage_name)
    else:
        try:
            handle = default_storage.open(stored.storage_name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=stored.content_type)
        response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition_header(not inline, stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    # A PDF or image opened in the browser runs no script and reaches no cookie.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = cache
    return response


@require_safe
def download(request, pk: int):
    version = selectors.get_version_for_user(request.user, pk)
    return _file_response(version)


@require_safe
def attachment_download(request, pk: int):
    attachment = selectors.get_attachment_for_user(request.user, pk)
    return _file_response(attachment)


def _meeting_for_user(request, meeting_id: int) -> Meeting:
    try:
        return Meeting.objects.visible_to(request.user).select_related("network").get(pk=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


@limited_upload
def attachment_add(request, meeting_id: int):
    meeting = _meeting_for_user(request, meeting_id)
    if not services.is_convener(meeting, request.user):
        raise PermissionDenied("convener")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        form.is_valid()
        upload = _upload_from(request, form)
        if upload is not None and not form.errors:
            try:
                services.attachment_add(meeting=meeting, by=request.user, upload=upload)
            except ValidationError as error:
                _form_errors_from(error, form)
            else:
                messages.success(request, _("The attachment is added to the meeting."))
                return redirect(meeting)
    return render(request, "library/attachment_form.html", {"meeting": meeting, "form": form})


def attachment_delete(request, pk: int):
    attachment = selectors.get_attachment_for_user(request.user, pk)
    meeting = attachment.meeting
    if not services.is_convener(meeting, request.user):
        raise PermissionDenied("convener")
    if request.method != "POST":
        return render(
            request,
            "library/attachment_delete.html",
            {"attachment": attachment, "meeting": meeting},
        )
    services.attachment_delete(attachment=attachment, by=request.user)
    messages.success(request, _("The attachment is deleted."))
    return redirect(meeting)
