/* The built-in license table: the licenses that matter for data and
 * models, with the attributes that decide AI use. Names and URLs are the
 * SPDX License List's (license_spdx_list_version); the model licenses that
 * SPDX does not list are LicenseRef- ids.
 *
 * The attributes are prov's reading of each license's terms, chosen to err
 * on the restrictive side; they are not legal advice, and whether a trained
 * model is an adaptation of its training data is not settled law. In
 * particular prov counts trained weights as adapted material: ND forbids
 * sharing them, share-alike asks that they carry the same license.
 * docs/licenses.md explains every choice. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "license.h"

#define C    LICENSE_COMMERCIAL
#define D    LICENSE_DERIVATIVES
#define SA   LICENSE_SHARE_ALIKE
#define WEAK (LICENSE_SHARE_ALIKE | LICENSE_WEAK_COPYLEFT)
#define BY   LICENSE_ATTRIBUTION
#define USE  LICENSE_USE_RESTRICTIONS
#define FREE (LICENSE_NO_CONDITIONS | C | D)

#define CC "https://creativecommons.org/licenses/"

/* Creative Commons notes, shared by the versions and ports they fit. */
#define N_BY "credit the creator, name the license, indicate changes"
#define N_BY_SA1                                                               \
	"credit the creator; shared adaptations only under CC BY-SA 1.0 "      \
	"itself (no later versions)"
#define N_BY_SA                                                                \
	"credit the creator; shared adaptations under this or a later CC "     \
	"BY-SA license (ports with the same elements included)"
#define N_BY_SA4                                                               \
	"credit the creator; shared adaptations under CC BY-SA 4.0 or "        \
	"later, or GPL-3.0 (one-way compatible)"
#define N_BY_NC                                                                \
	"credit the creator; no use primarily intended for commercial "        \
	"advantage"
#define N_BY_ND                                                                \
	"credit the creator; adapted material (trained weights, for prov) "    \
	"may not be shared"
#define N_BY_NC_SA1                                                            \
	"credit the creator; noncommercial only; shared adaptations only "     \
	"under CC BY-NC-SA 1.0 itself"
#define N_BY_NC_SA                                                             \
	"credit the creator; noncommercial only; shared adaptations under "    \
	"this or a later CC BY-NC-SA license"
#define N_BY_NC_ND                                                             \
	"credit the creator; noncommercial only; adapted material may not "    \
	"be shared"

#define N_GPL2                                                                 \
	"strong copyleft: shared derivatives under GPL-2.0 with source; "      \
	"not compatible with GPL-3.0"
#define N_GPL2_LATER                                                           \
	"strong copyleft: shared derivatives under GPL-2.0 or a later "        \
	"version, with source"
#define N_GPL3                                                                 \
	"strong copyleft: shared derivatives under GPL-3.0 with source; may "  \
	"be combined with AGPL-3.0 works"
#define N_AGPL3                                                                \
	"strong copyleft, also for software offered over a network: users "    \
	"of a modified version get its source"
#define N_LGPL                                                                 \
	"weak copyleft: changes to the library stay under the LGPL; works "    \
	"that use it may be under any license"

/* One entry per line pair, grouped as people look for them. */
/* clang-format off */
const struct license_info license_table[] = {
	/* ---- Creative Commons: public domain tools ---- */
	{ "CC0-1.0", "Creative Commons Zero v1.0 Universal",
	  "https://creativecommons.org/publicdomain/zero/1.0/legalcode", FREE,
	  NULL, "public domain dedication (with a fallback license); no conditions", NULL },
	{ "CC-PDDC", "Creative Commons Public Domain Dedication and Certification",
	  "https://creativecommons.org/licenses/publicdomain/", FREE, NULL,
	  "public domain dedication and certification (retired tool); no conditions", NULL },
	{ "CC-PDM-1.0", "Creative Commons Public Domain Mark 1.0 Universal",
	  "https://creativecommons.org/publicdomain/mark/1.0/", FREE, NULL,
	  "a label that the work has no known copyright, not a license grant", NULL },

	/* ---- Creative Commons: BY ---- */
	{ "CC-BY-1.0", "Creative Commons Attribution 1.0 Generic", CC "by/1.0/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-2.0", "Creative Commons Attribution 2.0 Generic", CC "by/2.0/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-2.5", "Creative Commons Attribution 2.5 Generic", CC "by/2.5/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-2.5-AU", "Creative Commons Attribution 2.5 Australia", CC "by/2.5/au/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-3.0", "Creative Commons Attribution 3.0 Unported", CC "by/3.0/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-3.0-AT", "Creative Commons Attribution 3.0 Austria", CC "by/3.0/at/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-3.0-AU", "Creative Commons Attribution 3.0 Australia", CC "by/3.0/au/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-3.0-DE", "Creative Commons Attribution 3.0 Germany", CC "by/3.0/de/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-3.0-IGO", "Creative Commons Attribution 3.0 IGO", CC "by/3.0/igo/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-3.0-NL", "Creative Commons Attribution 3.0 Netherlands", CC "by/3.0/nl/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-3.0-US", "Creative Commons Attribution 3.0 United States", CC "by/3.0/us/legalcode", C | D | BY, NULL, N_BY, NULL },
	{ "CC-BY-4.0", "Creative Commons Attribution 4.0 International", CC "by/4.0/legalcode", C | D | BY, NULL, N_BY, NULL },

	/* ---- Creative Commons: BY-SA ---- */
	{ "CC-BY-SA-1.0", "Creative Commons Attribution Share Alike 1.0 Generic", CC "by-sa/1.0/legalcode", C | D | SA | BY, "CC-BY-SA-1.0", N_BY_SA1, NULL },
	{ "CC-BY-SA-2.0", "Creative Commons Attribution Share Alike 2.0 Generic", CC "by-sa/2.0/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-2.0-UK", "Creative Commons Attribution Share Alike 2.0 England and Wales", CC "by-sa/2.0/uk/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-2.1-JP", "Creative Commons Attribution Share Alike 2.1 Japan", CC "by-sa/2.1/jp/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-2.5", "Creative Commons Attribution Share Alike 2.5 Generic", CC "by-sa/2.5/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-3.0", "Creative Commons Attribution Share Alike 3.0 Unported", CC "by-sa/3.0/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-3.0-AT", "Creative Commons Attribution Share Alike 3.0 Austria", CC "by-sa/3.0/at/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-3.0-DE", "Creative Commons Attribution Share Alike 3.0 Germany", CC "by-sa/3.0/de/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-3.0-IGO", "Creative Commons Attribution-ShareAlike 3.0 IGO", CC "by-sa/3.0/igo/legalcode", C | D | SA | BY, "CC-BY-SA", N_BY_SA, NULL },
	{ "CC-BY-SA-4.0", "Creative Commons Attribution Share Alike 4.0 International", CC "by-sa/4.0/legalcode", C | D | SA | BY, "CC-BY-SA GPL-3.0", N_BY_SA4, NULL },

	/* ---- Creative Commons: BY-NC ---- */
	{ "CC-BY-NC-1.0", "Creative Commons Attribution Non Commercial 1.0 Generic", CC "by-nc/1.0/legalcode", D | BY, NULL, N_BY_NC, NULL },
	{ "CC-BY-NC-2.0", "Creative Commons Attribution Non Commercial 2.0 Generic", CC "by-nc/2.0/legalcode", D | BY, NULL, N_BY_NC, NULL },
	{ "CC-BY-NC-2.5", "Creative Commons Attribution Non Commercial 2.5 Generic", CC "by-nc/2.5/legalcode", D | BY, NULL, N_BY_NC, NULL },
	{ "CC-BY-NC-3.0", "Creative Commons Attribution Non Commercial 3.0 Unported", CC "by-nc/3.0/legalcode", D | BY, NULL, N_BY_NC, NULL },
	{ "CC-BY-NC-3.0-DE", "Creative Commons Attribution Non Commercial 3.0 Germany", CC "by-nc/3.0/de/legalcode", D | BY, NULL, N_BY_NC, NULL },
	{ "CC-BY-NC-3.0-IGO", "Creative Commons Attribution Non Commercial 3.0 IGO", CC "by-nc/3.0/igo/legalcode", D | BY, NULL, N_BY_NC, NULL },
	{ "CC-BY-NC-4.0", "Creative Commons Attribution Non Commercial 4.0 International", CC "by-nc/4.0/legalcode", D | BY, NULL, N_BY_NC, NULL },

	/* ---- Creative Commons: BY-ND ---- */
	{ "CC-BY-ND-1.0", "Creative Commons Attribution No Derivatives 1.0 Generic", CC "by-nd/1.0/legalcode", C | BY, NULL, N_BY_ND, NULL },
	{ "CC-BY-ND-2.0", "Creative Commons Attribution No Derivatives 2.0 Generic", CC "by-nd/2.0/legalcode", C | BY, NULL, N_BY_ND, NULL },
	{ "CC-BY-ND-2.5", "Creative Commons Attribution No Derivatives 2.5 Generic", CC "by-nd/2.5/legalcode", C | BY, NULL, N_BY_ND, NULL },
	{ "CC-BY-ND-3.0", "Creative Commons Attribution No Derivatives 3.0 Unported", CC "by-nd/3.0/legalcode", C | BY, NULL, N_BY_ND, NULL },
	{ "CC-BY-ND-3.0-DE", "Creative Commons Attribution No Derivatives 3.0 Germany", CC "by-nd/3.0/de/legalcode", C | BY, NULL, N_BY_ND, NULL },
	{ "CC-BY-ND-4.0", "Creative Commons Attribution No Derivatives 4.0 International", CC "by-nd/4.0/legalcode", C | BY, NULL, N_BY_ND, NULL },

	/* ---- Creative Commons: BY-NC-SA ---- */
	{ "CC-BY-NC-SA-1.0", "Creative Commons Attribution Non Commercial Share Alike 1.0 Generic", CC "by-nc-sa/1.0/legalcode", D | SA | BY, "CC-BY-NC-SA-1.0", N_BY_NC_SA1, NULL },
	{ "CC-BY-NC-SA-2.0", "Creative Commons Attribution Non Commercial Share Alike 2.0 Generic", CC "by-nc-sa/2.0/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-2.0-DE", "Creative Commons Attribution Non Commercial Share Alike 2.0 Germany", CC "by-nc-sa/2.0/de/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-2.0-FR", "Creative Commons Attribution-NonCommercial-ShareAlike 2.0 France", CC "by-nc-sa/2.0/fr/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-2.0-UK", "Creative Commons Attribution Non Commercial Share Alike 2.0 England and Wales", CC "by-nc-sa/2.0/uk/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-2.5", "Creative Commons Attribution Non Commercial Share Alike 2.5 Generic", CC "by-nc-sa/2.5/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-3.0", "Creative Commons Attribution Non Commercial Share Alike 3.0 Unported", CC "by-nc-sa/3.0/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-3.0-DE", "Creative Commons Attribution Non Commercial Share Alike 3.0 Germany", CC "by-nc-sa/3.0/de/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-3.0-IGO", "Creative Commons Attribution Non Commercial Share Alike 3.0 IGO", CC "by-nc-sa/3.0/igo/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },
	{ "CC-BY-NC-SA-4.0", "Creative Commons Attribution Non Commercial Share Alike 4.0 International", CC "by-nc-sa/4.0/legalcode", D | SA | BY, "CC-BY-NC-SA", N_BY_NC_SA, NULL },

	/* ---- Creative Commons: BY-NC-ND ---- */
	{ "CC-BY-NC-ND-1.0", "Creative Commons Attribution Non Commercial No Derivatives 1.0 Generic", CC "by-nd-nc/1.0/legalcode", BY, NULL, N_BY_NC_ND, NULL },
	{ "CC-BY-NC-ND-2.0", "Creative Commons Attribution Non Commercial No Derivatives 2.0 Generic", CC "by-nc-nd/2.0/legalcode", BY, NULL, N_BY_NC_ND, NULL },
	{ "CC-BY-NC-ND-2.5", "Creative Commons Attribution Non Commercial No Derivatives 2.5 Generic", CC "by-nc-nd/2.5/legalcode", BY, NULL, N_BY_NC_ND, NULL },
	{ "CC-BY-NC-ND-3.0", "Creative Commons Attribution Non Commercial No Derivatives 3.0 Unported", CC "by-nc-nd/3.0/legalcode", BY, NULL, N_BY_NC_ND, NULL },
	{ "CC-BY-NC-ND-3.0-DE", "Creative Commons Attribution Non Commercial No Derivatives 3.0 Germany", CC "by-nc-nd/3.0/de/legalcode", BY, NULL, N_BY_NC_ND, NULL },
	{ "CC-BY-NC-ND-3.0-IGO", "Creative Commons Attribution Non Commercial No Derivatives 3.0 IGO", CC "by-nc-nd/3.0/igo/legalcode", BY, NULL, N_BY_NC_ND, NULL },
	{ "CC-BY-NC-ND-4.0", "Creative Commons Attribution Non Commercial No Derivatives 4.0 International", CC "by-nc-nd/4.0/legalcode", BY, NULL, N_BY_NC_ND, NULL },

	/* ---- Creative Commons 1.0: ShareAlike without attribution ---- */
	{ "CC-SA-1.0", "Creative Commons Share Alike 1.0 Generic", CC "sa/1.0/legalcode", C | D | SA, "CC-SA-1.0",
	  "no attribution clause; shared adaptations only under CC SA 1.0 itself", NULL },

	/* ---- Open Data Commons ---- */
	{ "ODC-By-1.0", "Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1.0/", C | D | BY, NULL,
	  "credit the database as the license asks; works produced from it need only a notice", NULL },
	{ "ODbL-1.0", "Open Data Commons Open Database License v1.0", "http://www.opendatacommons.org/licenses/odbl/1.0/", C | D | SA | BY, "ODbL",
	  "credit; databases derived and shared stay under ODbL; works produced from it need only a notice", NULL },
	{ "PDDL-1.0", "Open Data Commons Public Domain Dedication & License 1.0", "http://opendatacommons.org/licenses/pddl/1.0/", FREE, NULL,
	  "public domain dedication for databases; no conditions", NULL },

	/* ---- Community Data License Agreement ---- */
	{ "CDLA-Permissive-1.0", "Community Data License Agreement Permissive 1.0", "https://cdla.io/permissive-1-0", C | D | BY, NULL,
	  "keep the agreement and attribution notices when sharing the data; results such as trained models are unrestricted", NULL },
	{ "CDLA-Permissive-2.0", "Community Data License Agreement Permissive 2.0", "https://cdla.dev/permissive-2-0", C | D, NULL,
	  "include the agreement's text when sharing the data; results such as trained models are unrestricted", NULL },
	{ "CDLA-Sharing-1.0", "Community Data License Agreement Sharing 1.0", "https://cdla.io/sharing-1-0", C | D | SA | BY, "CDLA-Sharing",
	  "data shared, changed or not, stays under CDLA-Sharing; the agreement calls trained models results, which it does not restrict", NULL },

	/* ---- software: permissive ---- */
	{ "MIT", "MIT License", "https://opensource.org/license/mit/", C | D | BY, NULL,
	  "keep the copyright and permission notice", NULL },
	{ "MIT-0", "MIT No Attribution", "https://github.com/aws/mit-0", FREE, NULL,
	  "no conditions", NULL },
	{ "BSD-2-Clause", "BSD 2-Clause \"Simplified\" License", "https://opensource.org/licenses/BSD-2-Clause", C | D | BY, NULL,
	  "keep the copyright notice and disclaimer", NULL },
	{ "BSD-3-Clause", "BSD 3-Clause \"New\" or \"Revised\" License", "https://opensource.org/licenses/BSD-3-Clause", C | D | BY, NULL,
	  "keep the copyright notice and disclaimer; no endorsement in the authors' names", NULL },
	{ "Apache-2.0", "Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0", C | D | BY, NULL,
	  "keep notices and any NOTICE file, state changes; the patent license ends for a licensee who sues over patents", NULL },
	{ "ISC", "ISC License", "https://www.isc.org/licenses/", C | D | BY, NULL,
	  "keep the copyright and permission notice", NULL },
	{ "0BSD", "BSD Zero Clause License", "http://landley.net/toybox/license.html", FREE, NULL,
	  "no conditions", NULL },
	{ "Unlicense", "The Unlicense", "https://unlicense.org/", FREE, NULL,
	  "public domain dedication; no conditions", NULL },

	/* ---- software: weak copyleft ---- */
	{ "MPL-2.0", "Mozilla Public License 2.0", "https://www.mozilla.org/MPL/2.0/", C | D | WEAK | BY, "MPL-2.0",
	  "file-level copyleft: changed MPL files stay under MPL with source; larger works may be under any license", NULL },
	{ "MPL-2.0-no-copyleft-exception", "Mozilla Public License 2.0 (no copyleft exception)", "https://www.mozilla.org/MPL/2.0/", C | D | WEAK | BY, "MPL-2.0",
	  "file-level copyleft, without the GPL compatibility of plain MPL-2.0", NULL },
	{ "LGPL-2.0", "GNU Library General Public License v2 only", "https://www.gnu.org/licenses/old-licenses/lgpl-2.0-standalone.html", C | D | WEAK | BY, "LGPL-2.0", N_LGPL, NULL },
	{ "LGPL-2.0+", "GNU Library General Public License v2 or later", "https://www.gnu.org/licenses/old-licenses/lgpl-2.0-standalone.html", C | D | WEAK | BY, "LGPL-2.0", N_LGPL, NULL },
	{ "LGPL-2.0-only", "GNU Library General Public License v2 only", "https://www.gnu.org/licenses/old-licenses/lgpl-2.0-standalone.html", C | D | WEAK | BY, "LGPL-2.0", N_LGPL, NULL },
	{ "LGPL-2.0-or-later", "GNU Library General Public License v2 or later", "https://www.gnu.org/licenses/old-licenses/lgpl-2.0-standalone.html", C | D | WEAK | BY, "LGPL-2.0", N_LGPL, NULL },
	{ "LGPL-2.1", "GNU Lesser General Public License v2.1 only", "https://www.gnu.org/licenses/old-licenses/lgpl-2.1-standalone.html", C | D | WEAK | BY, "LGPL-2.1", N_LGPL, NULL },
	{ "LGPL-2.1+", "GNU Lesser General Public License v2.1 or later", "https://www.gnu.org/licenses/old-licenses/lgpl-2.1-standalone.html", C | D | WEAK | BY, "LGPL-2.1", N_LGPL, NULL },
	{ "LGPL-2.1-only", "GNU Lesser General Public License v2.1 only", "https://www.gnu.org/licenses/old-licenses/lgpl-2.1-standalone.html", C | D | WEAK | BY, "LGPL-2.1", N_LGPL, NULL },
	{ "LGPL-2.1-or-later", "GNU Lesser General Public License v2.1 or later", "https://www.gnu.org/licenses/old-licenses/lgpl-2.1-standalone.html", C | D | WEAK | BY, "LGPL-2.1", N_LGPL, NULL },
	{ "LGPL-3.0", "GNU Lesser General Public License v3.0 only", "https://www.gnu.org/licenses/lgpl-3.0-standalone.html", C | D | WEAK | BY, "LGPL-3.0", N_LGPL, NULL },
	{ "LGPL-3.0+", "GNU Lesser General Public License v3.0 or later", "https://www.gnu.org/licenses/lgpl-3.0-standalone.html", C | D | WEAK | BY, "LGPL-3.0", N_LGPL, NULL },
	{ "LGPL-3.0-only", "GNU Lesser General Public License v3.0 only", "https://www.gnu.org/licenses/lgpl-3.0-standalone.html", C | D | WEAK | BY, "LGPL-3.0", N_LGPL, NULL },
	{ "LGPL-3.0-or-later", "GNU Lesser General Public License v3.0 or later", "https://www.gnu.org/licenses/lgpl-3.0-standalone.html", C | D | WEAK | BY, "LGPL-3.0", N_LGPL, NULL },

	/* ---- software: strong copyleft. A deprecated bare id ("GPL-2.0")
	 * is read as -only, the narrower grant. ---- */
	{ "GPL-2.0", "GNU General Public License v2.0 only", "https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html", C | D | SA | BY, "GPL-2.0", N_GPL2, NULL },
	{ "GPL-2.0+", "GNU General Public License v2.0 or later", "https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html", C | D | SA | BY, "GPL-2.0 GPL-3.0 AGPL-3.0", N_GPL2_LATER, NULL },
	{ "GPL-2.0-only", "GNU General Public License v2.0 only", "https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html", C | D | SA | BY, "GPL-2.0", N_GPL2, NULL },
	{ "GPL-2.0-or-later", "GNU General Public License v2.0 or later", "https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html", C | D | SA | BY, "GPL-2.0 GPL-3.0 AGPL-3.0", N_GPL2_LATER, NULL },
	{ "GPL-3.0", "GNU General Public License v3.0 only", "https://www.gnu.org/licenses/gpl-3.0-standalone.html", C | D | SA | BY, "GPL-3.0 AGPL-3.0", N_GPL3, NULL },
	{ "GPL-3.0+", "GNU General Public License v3.0 or later", "https://www.gnu.org/licenses/gpl-3.0-standalone.html", C | D | SA | BY, "GPL-3.0 AGPL-3.0", N_GPL3, NULL },
	{ "GPL-3.0-only", "GNU General Public License v3.0 only", "https://www.gnu.org/licenses/gpl-3.0-standalone.html", C | D | SA | BY, "GPL-3.0 AGPL-3.0", N_GPL3, NULL },
	{ "GPL-3.0-or-later", "GNU General Public License v3.0 or later", "https://www.gnu.org/licenses/gpl-3.0-standalone.html", C | D | SA | BY, "GPL-3.0 AGPL-3.0", N_GPL3, NULL },
	{ "AGPL-3.0", "GNU Affero General Public License v3.0", "https://www.gnu.org/licenses/agpl.txt", C | D | SA | BY, "AGPL-3.0", N_AGPL3, NULL },
	{ "AGPL-3.0-only", "GNU Affero General Public License v3.0 only", "https://www.gnu.org/licenses/agpl.txt", C | D | SA | BY, "AGPL-3.0", N_AGPL3, NULL },
	{ "AGPL-3.0-or-later", "GNU Affero General Public License v3.0 or later", "https://www.gnu.org/licenses/agpl.txt", C | D | SA | BY, "AGPL-3.0", N_AGPL3, NULL },

	/* ---- model licenses with use-based restrictions (not on the SPDX
	 * list). None is an open source license: their use restrictions
	 * follow the model into every derivative. ---- */
	{ "LicenseRef-OpenRAIL-M", "Open RAIL-M License (BigScience template)",
	  "https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license", C | D | BY | USE, NULL,
	  "Attachment A forbids, among others, unlawful use, harming minors, disinformation and discrimination; binds users and derivatives", NULL },
	{ "LicenseRef-CreativeML-OpenRAIL-M", "CreativeML Open RAIL-M License",
	  "https://huggingface.co/spaces/CompVis/stable-diffusion-license", C | D | BY | USE, NULL,
	  "Stable Diffusion's license: Attachment A use restrictions bind users and derivatives; the licensor may restrict violating use", NULL },
	{ "LicenseRef-BigScience-RAIL-1.0", "BigScience RAIL License v1.0",
	  "https://huggingface.co/spaces/bigscience/license", C | D | BY | USE, NULL,
	  "BLOOM's license: Attachment A use restrictions bind users and derivatives, fine-tuned and distilled models included", NULL },
	{ "LicenseRef-Llama-2", "Llama 2 Community License Agreement",
	  "https://ai.meta.com/llama/license/", C | D | BY | USE, NULL,
	  "acceptable use policy; above 700M monthly users commercial use needs Meta's license; outputs may not improve other LLMs", NULL },
	{ "LicenseRef-Llama-3-Community", "Meta Llama 3 Community License Agreement",
	  "https://llama.meta.com/llama3/license/", C | D | BY | USE, NULL,
	  "acceptable use policy; above 700M monthly users needs Meta's license; show \"Built with Meta Llama 3\"; derived model names start with Llama 3", NULL },
	{ "LicenseRef-Gemma", "Gemma Terms of Use", "https://ai.google.dev/gemma/terms", C | D | BY | USE, NULL,
	  "prohibited use policy binds users and derivatives; pass the terms on; Google may restrict use it believes violates them", NULL },
};
/* clang-format on */

const size_t license_table_count =
	sizeof(license_table) / sizeof(*license_table);

const struct license_info *license_table_find(const char *id)
{
	/* A linear scan: the table is small, and grouped for people to read. */
	for (size_t i = 0; i < license_table_count; i++)
		if (!strcasecmp(license_table[i].id, id))
			return &license_table[i];
	return NULL;
}

void license_families(struct license_strings *out, const char *share_alike)
{
	const char *p = share_alike;

	while (p && *p) {
		size_t n = strcspn(p, " ");
		if (n) {
			char *f = xstrndup(p, n);
			license_strings_add(out, f);
			free(f);
		}
		p += n;
		p += strspn(p, " ");
	}
}
