"""The drill-down page's own CSS and JavaScript (kept apart from the Python that renders it).

The script only reads ``data-*`` attributes, toggles ``hidden`` and classes, swaps precomputed
treemap data with ``Plotly.react`` and keeps its state in the URL hash: it never builds HTML
from data (no innerHTML, no eval).
"""

CSS = """
[hidden]{display:none!important}:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.dd-filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:flex-end;position:sticky;top:0;
z-index:20;margin-bottom:16px;box-shadow:0 4px 14px rgba(16,24,40,.06)}
.dd-filters label{display:flex;flex-direction:column;gap:4px;font-size:12px;font-weight:600;
color:var(--muted)}
.dd-filters select,.dd-filters input{font:inherit;font-size:13.5px;color:var(--ink);
padding:6px 10px;border:1px solid #d0d5dd;border-radius:8px;background:#fff;min-width:10em;
max-width:20em}#dd-channel{max-width:15em}#dd-q{width:15em}
.dd-filters label.chk{flex-direction:row;align-items:center;gap:7px;font-size:13.5px;
font-weight:500;color:var(--ink);padding-bottom:7px}
.dd-filters input[type=checkbox]{min-width:0;width:16px;height:16px;accent-color:var(--accent)}
.dd .card{margin-top:12px}.dd h2{margin:0 0 2px}.dd .desc{color:var(--muted);font-size:12.5px;
margin:0 0 10px}.dd .tile .label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;
font-size:12px}
.dd .tile .line{white-space:nowrap}
.dd-scale{display:flex;align-items:center;gap:8px;color:var(--muted);font-size:12px;
margin-bottom:8px}.dd-scale .grad{width:120px;height:10px;border-radius:5px;
background:linear-gradient(90deg,__BAD__,__EVEN__,__GOOD__)}.dd-scale .sw{width:14px;
height:10px;border-radius:3px;background:__NONE__;margin-left:10px}
.dd-table tr[data-id]:hover td{background:#f7f9fc}
.dd-table tr.channel td{font-weight:600;background:#fbfcfd}
.dd-table tr.campaign td:first-child{padding-left:30px}
.dd-table tr.ad_group td{font-size:12.5px;color:#475467}
.dd-table tr.ad_group td:first-child{padding-left:54px}
.dd-table th{vertical-align:bottom;white-space:normal;min-width:5.5em}
.dd-table td,.dd-table th{padding:7px 8px}.dd-table td:first-child{min-width:20em}
.tog{all:unset;cursor:pointer;display:inline-flex;align-items:baseline;gap:8px}
.tog::before{content:"";flex:none;border-left:6px solid #98a2b3;border-top:4.5px solid
transparent;border-bottom:4.5px solid transparent;transform:translateY(-1px);
transition:transform .15s}.tog[aria-expanded=true]::before{transform:rotate(90deg)}
.tog:hover{color:var(--accent)}.leaf{display:inline-block;padding-left:14px}
.m-cost{position:relative}.bar{position:absolute;right:10px;bottom:3px;height:3px;
max-width:calc(100% - 20px);background:#93c5fd;border-radius:2px}
.na{color:#98a2b3}.x{display:none}tr.none td{text-align:center;color:var(--muted);padding:24px}
"""

JS = """(function(){'use strict';
var D=__DATA__,doc=document,$=function(i){return doc.getElementById(i);};
var f={period:$('dd-period'),channel:$('dd-channel'),q:$('dd-q'),off:$('dd-off'),kpi:$('dd-kpi')};
var wrap=$('dd'),open={},zoom='',ready=false,written=null,each=Array.prototype.forEach;
function has(sel,v){return v!==null&&Array.prototype.some.call(sel.options,function(o){
return o.value===v;});}
function state(){return {period:f.period.value,channel:f.channel.value,
q:f.q.value.trim().toLowerCase(),off:f.off.checked,kpi:f.kpi.value};}
function fromHash(){var p=new URLSearchParams(location.hash.slice(1));
f.period.value=has(f.period,p.get('period'))?p.get('period'):D.period;
f.channel.value=has(f.channel,p.get('channel'))?p.get('channel'):'';
f.q.value=p.get('q')||'';f.off.checked=p.get('off')==='1';
f.kpi.value=has(f.kpi,p.get('kpi'))?p.get('kpi'):D.kpi;open={};zoom='';}
function toHash(s){var q=f.q.value.trim(),parts=[];
if(s.period!==D.period)parts.push('period='+encodeURIComponent(s.period));
if(s.channel)parts.push('channel='+encodeURIComponent(s.channel));
if(q)parts.push('q='+encodeURIComponent(q));if(s.off)parts.push('off=1');
if(s.kpi!==D.kpi)parts.push('kpi='+encodeURIComponent(s.kpi));
written=parts.length?'#'+parts.join('&'):'';if(written===location.hash)return;
try{history.replaceState(null,'',location.href.split('#')[0]+written);}
catch(e){location.hash=written;}}
function update(s){wrap.setAttribute('data-kpi',s.kpi);
each.call(doc.querySelectorAll('.pv'),function(el){
el.hidden=el.getAttribute('data-period')!==s.period;});
var table=$('dd-t-'+s.period);if(!table)return;
var rows=Array.prototype.filter.call(table.tBodies[0].rows,function(r){
return r.hasAttribute('data-id');});
var filt=!!(s.q||s.off),match={},hit={},below={},vis={},opened={},n=0,i,r,id,p;
rows.forEach(function(r){var d=r.dataset;match[d.id]=(!s.q||(d.level!=='channel'&&
d.q.toLowerCase().indexOf(s.q)>=0))&&(!s.off||(' '+d.off+' ').indexOf(' '+s.kpi+' ')>=0);});
for(i=rows.length-1;i>=0;i--){id=rows[i].dataset.id;p=rows[i].dataset.parent;
if(match[id]||below[id]){hit[id]=true;if(p)below[p]=true;}}
rows.forEach(function(r){var d=r.dataset,top=d.level==='channel',b=r.querySelector('.tog');
var ok=(!s.channel||d.channel===s.channel)&&(top||(vis[d.parent]&&opened[d.parent]))&&
(!filt||hit[d.id]||open[d.parent]===true);
vis[d.id]=ok;opened[d.id]=d.id in open?open[d.id]:filt?!!below[d.id]:top&&!!s.channel;
r.hidden=!ok;if(ok)n++;if(b)b.setAttribute('aria-expanded',String(opened[d.id]));});
table.querySelector('tr.none').hidden=n>0;}
function draw(s){var gd=$('dd-map'),m=D.map[s.period];if(!gd||!ready||!m)return;
var c=m.kpi[s.kpi],level=zoom&&m.ids.indexOf(zoom)>=0?zoom:(m.chan[s.channel]||'');
var tr=Object.assign({},D.trace,{ids:m.ids,labels:m.labels,parents:m.parents,values:m.values,
customdata:m.custom,text:c.text,hovertext:c.hover,level:level,
marker:Object.assign({},D.trace.marker,{colors:c.colors})});
Plotly.react(gd,[tr],D.layout,D.config);}
function on(el,type,fn){el.addEventListener(type,function(){fn();var s=state();update(s);
toHash(s);if(type==='change'&&el!==f.off)draw(s);});}
on(f.period,'change',function(){});on(f.kpi,'change',function(){});
on(f.channel,'change',function(){open={};zoom='';});
on(f.q,'input',function(){open={};});on(f.off,'change',function(){open={};});
wrap.addEventListener('click',function(e){var r=e.target.closest('tr[data-id]'),b;
if(!r||!(b=r.querySelector('.tog')))return;
open[r.dataset.id]=b.getAttribute('aria-expanded')!=='true';update(state());});
window.addEventListener('hashchange',function(){if(location.hash===written)return;
fromHash();var s=state();update(s);draw(s);});
function start(){var gd=$('dd-map'),s=state();ready=true;if(!gd)return;
gd.on('plotly_treemapclick',function(ev){var m=D.map[f.period.value],next=ev&&ev.nextLevel;
if(!m||next===undefined||!(next in m.owner))return;zoom=next===m.ids[0]?'':next;
if(f.channel.value!==m.owner[next]){f.channel.value=m.owner[next];open={};}
if(zoom)open[next]=true;var s=state();update(s);toHash(s);});
if(s.period!==D.period||s.kpi!==D.kpi||s.channel)draw(s);}
fromHash();update(state());
if(doc.body.hasAttribute('data-plots-ready'))start();
else{var mo=new MutationObserver(function(){if(doc.body.hasAttribute('data-plots-ready')){
mo.disconnect();start();}});mo.observe(doc.body,{attributes:true});}
})();"""
